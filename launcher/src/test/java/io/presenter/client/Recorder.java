package io.presenter.client;

import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.SessionReestablished;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A listener that records what a test asserts on. */
final class Recorder implements PresenterListener {
  final List<Message> messages = new CopyOnWriteArrayList<>();
  final List<Long> acks = new CopyOnWriteArrayList<>();
  final AtomicInteger connects = new AtomicInteger();
  final AtomicInteger reestablished = new AtomicInteger();
  final AtomicInteger disconnects = new AtomicInteger();
  final List<String> disconnectReasons = new CopyOnWriteArrayList<>();

  @Override
  public void connected(AuthOk info) {
    connects.incrementAndGet();
  }

  @Override
  public void reestablished(SessionReestablished info) {
    reestablished.incrementAndGet();
  }

  @Override
  public void message(Message message) {
    messages.add(message);
  }

  @Override
  public void ack(String clientMessageId, long seq) {
    acks.add(seq);
  }

  @Override
  public void disconnected(String reason, boolean willRetry) {
    disconnects.incrementAndGet();
    disconnectReasons.add(reason);
  }

  List<String> texts() {
    return messages.stream().map(m -> new String(m.getBody(), StandardCharsets.UTF_8)).toList();
  }

  List<Long> seqs() {
    return messages.stream().map(Message::getSeq).toList();
  }
}
