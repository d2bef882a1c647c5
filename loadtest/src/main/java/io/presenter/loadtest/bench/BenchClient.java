package io.presenter.loadtest.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.presenter.protocol.client.ClientFrameDecoder;
import io.presenter.protocol.client.ClientFrameEncoder;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.tls.TlsContexts;
import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import io.presenter.protocol.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Opens simulated clients: native transport when available, a few event loop threads, one
 * client TLS context for the whole run (so its session cache lets reconnects resume), local
 * addresses bound round-robin; each client resumes only its own TLS session. Client {@code i} is user {@code a} ({@code i} even) or {@code b}
 * of couple {@code bench-<run>-<i/2>}; a fresh run id keeps couples new, so no SyncPage follows
 * AuthOk.
 */
final class BenchClient implements AutoCloseable {
  private final BenchOptions options;
  private final BenchStats stats;
  private final Transport transport = Transport.best();
  private final EventLoopGroup group;
  private final SslContext tls;
  private final TokenSigner signer;
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

  BenchClient(BenchOptions options, BenchStats stats) throws Exception {
    this.options = options;
    this.stats = stats;
    this.group = transport.newGroup(options.threads(), new DefaultThreadFactory("bench-client", true));
    this.tls = TlsContexts.client(options.caFile().toFile(), Math.max(20_480, 2 * options.connections()));
    this.signer = new TokenSigner(TokenKeys.load(options.keyFile()));
  }

  BenchStats stats() {
    return stats;
  }

  Transport transport() {
    return transport;
  }

  static String user(int index) {
    return index % 2 == 0 ? "a" : "b";
  }

  String couple(int index) {
    return "bench-" + run + "-" + index / 2;
  }

  /** The "peer port" the session cache files client {@code index} under (not the port dialled). */
  private static int sessionKey(int index) {
    return index + 1;
  }

  /** Starts connecting client {@code index}; the returned connection's promise tells how it went. */
  BenchConn connect(int index, Histogram handshakes, Histogram connectToAuthOk) {
    Instant now = Instant.now();
    String token = signer.sign(new TokenClaims(user(index), couple(index), null, now, now.plus(Duration.ofHours(2))));
    ClientFrame auth = ClientFrames.auth(token, "bench-" + index, 0, 0);
    BenchConn conn = new BenchConn(auth, stats, handshakes, connectToAuthOk, group.next().newPromise());
    InetSocketAddress local = new InetSocketAddress(options.sources().get(index % options.sources().size()), 0);
    ChannelFuture connect =
        new Bootstrap()
            .group(group)
            .channel(transport.socketChannel())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                // The context's client session cache is keyed by (peer host, peer port). Every
                // client gets its own key, as if each were a phone with its own cache: its first
                // connection is a full handshake, a reconnect resumes its own session.
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), options.host(), sessionKey(index)));
                ch.pipeline().addLast(new ClientFrameDecoder(), ClientFrameEncoder.INSTANCE, conn);
              }
            })
            .connect(new InetSocketAddress(options.host(), options.port()), local);
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        stats.error(f.cause());
        conn.authenticated().tryFailure(f.cause());
      }
    });
    return conn;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
