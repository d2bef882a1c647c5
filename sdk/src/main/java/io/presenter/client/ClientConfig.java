package io.presenter.client;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

/** What {@link PresenterClient.Builder} collected; immutable. */
record ClientConfig(
    Supplier<InetSocketAddress> gateways,
    SslContext ssl,
    Supplier<String> tokens,
    String deviceId,
    EventLoopGroup sharedGroup,
    boolean snappy,
    Duration keepalive,
    Duration backoffMin,
    Duration backoffMax,
    int maxUnacked,
    long lastSeenSeq,
    String clientVersion,
    PresenterListener listener,
    InetAddress localAddress,
    int tlsSessionKey) {}
