package io.presenter.client;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.tls.TlsContexts;
import io.presenter.protocol.transport.Transport;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * A Presenter chat client: one device's session with its couple's chat server, through a gateway
 * (docs/PROTOCOL.md sections 3 and 7).
 *
 * <pre>{@code
 * PresenterClient client = PresenterClient.builder()
 *     .gateway("chat.example.com", 443)
 *     .trustedCa(new File("ca.pem"))            // omit to use the JDK's trusted CAs
 *     .tokens(() -> myTokenStore.current())     // asked again on every (re)connect
 *     .deviceId("phone-1")
 *     .listener(new PresenterListener() {
 *       public void message(Message m) { show(m); }
 *     })
 *     .build();
 * client.connect().get(10, TimeUnit.SECONDS);
 * long seq = client.send(clientConstants.KIND_TEXT, "hi".getBytes(UTF_8)).get();
 * client.close();
 * }</pre>
 *
 * <p><b>Threading:</b> all methods are thread-safe and do not block, except {@link #close()}. The
 * client's state lives on one event loop (its own single-thread group, or one loop of a shared
 * group); listener calls and the completion of returned futures happen on that thread, so never
 * block there.
 *
 * <p><b>Connection:</b> {@link #connect()} starts connecting (TLS to a random gateway of the list,
 * resolved through DNS each time, host name verified) and keeps the client connected until
 * {@link #close()}: after any close, failure, GoAway or fatal error it reconnects with exponential
 * backoff and full jitter (at least a server's retryAfterMillis plus 0-20 %; the failure count
 * resets on every AuthOk, not after a minute of uptime as PROTOCOL.md 7 suggests). The token supplier
 * is asked on every attempt, so it can refresh expired tokens (AUTH_EXPIRED / AUTH_INVALID just
 * lead to another attempt with whatever it returns). While connected it pings after a keepalive
 * interval without writes and drops a connection that answers nothing for another interval.
 *
 * <p><b>Delivery guarantees, receiving:</b> {@link PresenterListener#message} sees every message
 * above the initial {@link Builder#lastSeenSeq} exactly once and in seq order: duplicates are
 * dropped by seq, messages after a gap are held back while a SyncRequest fills it, and every
 * (re)connect sends {@link #lastSeenSeq()} in Auth so the server syncs what was missed.
 *
 * <p><b>Delivery guarantees, sending:</b> {@link #send} gives each message a UUID client message
 * id and keeps it (at most {@link Builder#maxUnacked} messages; beyond that sends fail at once)
 * until its SendAck, resending it with the same id after every reconnect and
 * SessionReestablished; the server stores a client message id once, so a message is neither lost
 * nor duplicated while the client runs. A non-fatal ServerError for a send with retryAfterMillis
 * (RATE_LIMITED, INTERNAL) resends it after that delay; without it (BODY_TOO_LARGE, BAD_REQUEST)
 * the future fails with {@link PresenterClientException}. Unacked messages live in memory only:
 * an app that must survive a process restart keeps its own copy and re-sends it with the same id.
 */
public final class PresenterClient implements AutoCloseable {
  /** Larger bodies are refused locally: the server's frame limit would make them fatal. */
  public static final int MAX_BODY_BYTES = 256 * 1024 - 1024;

  private final ClientCore core;
  private final EventLoopGroup ownGroup;

  private PresenterClient(ClientConfig config) {
    this.ownGroup =
        config.sharedGroup() == null ? Transport.best().newGroup(1, new DefaultThreadFactory("presenter-client", true)) : null;
    EventLoopGroup group = ownGroup != null ? ownGroup : config.sharedGroup();
    this.core = new ClientCore(config, group.next());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts connecting (once); the future completes with the first AuthOk, or fails on close(). */
  public CompletableFuture<AuthOk> connect() {
    core.loop().execute(core::start);
    return core.firstAuth;
  }

  /** Sends a message; the future completes with its seq once the server stored it. */
  public CompletableFuture<Long> send(int kind, byte[] body) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    if (body.length > MAX_BODY_BYTES) {
      result.completeExceptionally(new IllegalArgumentException("body too large: " + body.length));
      return result;
    }
    Outbox.Pending p = new Outbox.Pending(UUID.randomUUID().toString(), kind, body.clone(), result);
    core.loop().execute(() -> core.send(p));
    return result;
  }

  /** Tells the partner this user is (or stopped) typing; dropped while disconnected. */
  public void typing(boolean typing) {
    core.loop().execute(() -> core.typing(typing));
  }

  /** Moves this user's read marker forward (never back); sent again after reconnects. */
  public void readUpTo(long seq) {
    core.loop().execute(() -> core.readUpTo(seq));
  }

  /**
   * Asks for committed messages after {@code seq} (ignored while not connected); those above
   * {@link #lastSeenSeq()} reach the listener, older ones are duplicates and are dropped.
   */
  public void syncAfter(long seq) {
    core.loop().execute(() -> core.requestSync(seq));
  }

  /** The highest seq with no gap below it that this client has received (or was built with). */
  public long lastSeenSeq() {
    return core.lastSeenSeq();
  }

  /** The gateway this client has an authenticated session through, or null while it has none. */
  public InetSocketAddress gateway() {
    return core.sessionGateway();
  }

  /**
   * Drops the current connection abruptly, as a network failure would: a TCP reset without TLS
   * close_notify or any goodbye. The client then reconnects like after any failure, resending
   * unacked messages and syncing what it missed. For tests and load tools (reconnect storms).
   */
  public void dropConnection() {
    core.loop().execute(() -> core.dropChannel("dropped by the application"));
  }

  /**
   * Closes the connection and stops reconnecting; unacked sends fail (they may or may not have
   * been stored). Waits up to a few seconds for the connection and the client's own threads.
   */
  @Override
  public void close() {
    CompletableFuture<ChannelFuture> closing = new CompletableFuture<>();
    core.loop().execute(() -> closing.complete(core.close()));
    if (core.loop().inEventLoop()) { // from a listener: cannot wait for our own thread
      if (ownGroup != null) {
        ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      }
      return;
    }
    ChannelFuture f = closing.join();
    if (f != null) {
      f.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (ownGroup != null) {
      ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** Settings of a {@link PresenterClient}; gateways, tokens and deviceId are required. */
  public static final class Builder {
    private final List<InetSocketAddress> gateways = new ArrayList<>();
    private File ca;
    private SslContext ssl;
    private Supplier<String> tokens;
    private String deviceId;
    private EventLoopGroup group;
    private boolean snappy = true;
    private Duration keepalive = Duration.ofSeconds(30);
    private Duration backoffMin = Duration.ofMillis(250);
    private Duration backoffMax = Duration.ofSeconds(30);
    private int maxUnacked = 1000;
    private long lastSeenSeq;
    private String clientVersion = "presenter-java-sdk";
    private PresenterListener listener = new PresenterListener() {};
    private InetAddress localAddress;
    private int tlsSessionKey;
    private Supplier<InetSocketAddress> gatewayChooser;

    private Builder() {}

    /** A gateway address; add several to pick one at random per connection attempt. */
    public Builder gateway(String host, int port) {
      gateways.add(InetSocketAddress.createUnresolved(host, port));
      return this;
    }

    /**
     * Chooses the gateway for every connection attempt (reconnects included), instead of a random
     * pick from the {@link #gateway} list: for service discovery of your own, e.g. gateways'
     * published weights. The host name is resolved on each attempt and verified against the
     * gateway's certificate, as for a listed gateway.
     */
    public Builder gatewayChooser(Supplier<InetSocketAddress> chooser) {
      this.gatewayChooser = chooser;
      return this;
    }

    /** PEM file of the CA to trust; without it (and without {@link #sslContext}) the JDK's defaults. */
    public Builder trustedCa(File caPem) {
      this.ca = caPem;
      return this;
    }

    /** A ready client SslContext, instead of {@link #trustedCa}. */
    public Builder sslContext(SslContext context) {
      this.ssl = context;
      return this;
    }

    /** Gives the token for each connection attempt; called on the client's event loop. */
    public Builder tokens(Supplier<String> supplier) {
      this.tokens = supplier;
      return this;
    }

    public Builder deviceId(String id) {
      this.deviceId = id;
      return this;
    }

    /** A group to share (created with {@link Transport#best()}); the client does not shut it down. */
    public Builder eventLoopGroup(EventLoopGroup shared) {
      this.group = shared;
      return this;
    }

    /** Offer Snappy compression (CAP_SNAPPY); on by default. */
    public Builder snappy(boolean on) {
      this.snappy = on;
      return this;
    }

    /** Ping after this long without writes; drop the connection after another such period of silence. Default 30 s. */
    public Builder keepalive(Duration interval) {
      this.keepalive = interval;
      return this;
    }

    /** Reconnect backoff bounds; default 250 ms and 30 s. */
    public Builder backoff(Duration min, Duration max) {
      this.backoffMin = min;
      this.backoffMax = max;
      return this;
    }

    /** The most unacked messages kept for resending; default 1000. */
    public Builder maxUnacked(int max) {
      this.maxUnacked = max;
      return this;
    }

    /** The lastSeenSeq the app persisted; messages up to it are not delivered again. Default 0. */
    public Builder lastSeenSeq(long seq) {
      this.lastSeenSeq = seq;
      return this;
    }

    public Builder clientVersion(String version) {
      this.clientVersion = version;
      return this;
    }

    public Builder listener(PresenterListener l) {
      this.listener = Objects.requireNonNull(l);
      return this;
    }

    /**
     * The local address every connection binds (any free port), e.g. one of several loopback
     * addresses so a load tool can open more connections than one address has ports. Default:
     * chosen by the OS.
     */
    public Builder localAddress(InetAddress address) {
      this.localAddress = address;
      return this;
    }

    /**
     * Keeps this client's TLS sessions apart from other clients' in a shared {@link #sslContext}.
     * A client context's session cache is keyed by the server's host and port, so clients sharing
     * one context resume each other's sessions; a load tool simulating many phones gives each
     * client its own key (1 and up), which takes the place of the port in the cache key (the
     * connection still goes to the gateway's port). Default 0: the gateway's port.
     */
    public Builder tlsSessionKey(int key) {
      this.tlsSessionKey = key;
      return this;
    }

    public PresenterClient build() {
      if ((gateways.isEmpty() && gatewayChooser == null) || tokens == null || deviceId == null) {
        throw new IllegalStateException("a gateway (or a gatewayChooser), tokens and deviceId are required");
      }
      if (keepalive.isNegative() || keepalive.isZero() || maxUnacked < 1 || tlsSessionKey < 0) {
        throw new IllegalArgumentException("keepalive and maxUnacked must be positive, tlsSessionKey not negative");
      }
      SslContext context = ssl;
      if (context == null) {
        try {
          context = TlsContexts.client(ca);
        } catch (SSLException e) {
          throw new IllegalArgumentException("cannot build a TLS context from " + ca, e);
        }
      }
      Supplier<InetSocketAddress> choice = gatewayChooser;
      if (choice == null) {
        List<InetSocketAddress> listed = List.copyOf(gateways);
        choice = () -> listed.get(ThreadLocalRandom.current().nextInt(listed.size()));
      }
      return new PresenterClient(new ClientConfig(choice, context, tokens, deviceId, group, snappy,
          keepalive, backoffMin, backoffMax, maxUnacked, lastSeenSeq, clientVersion, listener, localAddress, tlsSessionKey));
    }
  }
}
