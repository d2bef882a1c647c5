package io.presenter.chat.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.presenter.protocol.client.thrift.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chat server's own meters (the store registers its commit latency itself). Prometheus
 * names: {@code presenter_chat_sessions} (gauge), {@code presenter_chat_messages_stored_total},
 * {@code presenter_chat_messages_delivered_total}, {@code presenter_chat_messages_duplicate_total},
 * {@code presenter_chat_errors_total{code}}, {@code presenter_chat_slow_readers_closed_total},
 * {@code presenter_chat_auth_total{outcome}}.
 */
public final class ChatMetrics {
  private final AtomicInteger sessions = new AtomicInteger();
  private final Counter stored;
  private final Counter delivered;
  private final Counter duplicates;
  private final Counter slowReaders;
  private final Counter authOk;
  private final Counter authRejected;
  private final Counter authMoved;
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);

  public ChatMetrics(MeterRegistry registry) {
    registry.gauge("presenter.chat.sessions", sessions);
    stored = registry.counter("presenter.chat.messages.stored");
    delivered = registry.counter("presenter.chat.messages.delivered");
    duplicates = registry.counter("presenter.chat.messages.duplicate");
    slowReaders = registry.counter("presenter.chat.slow.readers.closed");
    authOk = registry.counter("presenter.chat.auth", "outcome", "ok");
    authRejected = registry.counter("presenter.chat.auth", "outcome", "rejected");
    authMoved = registry.counter("presenter.chat.auth", "outcome", "moved");
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(code, registry.counter("presenter.chat.errors", "code", code.name()));
    }
  }

  public void sessionOpened() {
    sessions.incrementAndGet();
  }

  public void sessionClosed() {
    sessions.decrementAndGet();
  }

  public int sessions() {
    return sessions.get();
  }

  public void stored() {
    stored.increment();
  }

  public void delivered(int devices) {
    delivered.increment(devices);
  }

  public void duplicate() {
    duplicates.increment();
  }

  public void slowReaderClosed() {
    slowReaders.increment();
  }

  public void authOk() {
    authOk.increment();
  }

  public void authRejected() {
    authRejected.increment();
  }

  public void authMoved() {
    authMoved.increment();
  }

  public void error(ErrorCode code) {
    errors.get(code).increment();
  }
}
