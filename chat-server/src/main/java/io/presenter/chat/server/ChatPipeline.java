package io.presenter.chat.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.presenter.chat.session.ChatServices;
import io.presenter.chat.session.ChatSessionHandler;
import io.presenter.chat.session.SessionTransport;
import io.presenter.protocol.client.ClientFrameCodec;
import io.presenter.protocol.client.ClientFrameDecoder;
import io.presenter.protocol.client.ClientFrameEncoder;
import io.presenter.protocol.mux.MuxConfig;
import io.presenter.protocol.mux.MuxFrameCodec;
import io.presenter.protocol.mux.MuxMultiplexHandler;
import io.presenter.protocol.mux.MuxStreamChannel;

/**
 * Builds the chat server's pipelines in named steps. A client session is the same pipeline
 * (framing, then the session handler) whether it arrives as a mux stream from a gateway or on
 * the direct TLS listener; a stream additionally replays the auth frame the gateway forwarded.
 * The session handler is given the matching {@link SessionTransport} ({@link StreamTransport} or
 * {@link DirectTransport}), so session code never looks at the channel's type.
 */
final class ChatPipeline {
  static final String TLS = "tls";
  static final String MUX_CODEC = "mux-codec";
  static final String MUX = "mux";
  static final String AUTH_REPLAY = "auth-replay";
  static final String AUTH_CHECK = "auth-check";
  static final String FRAME_DECODER = "frame-decoder";
  static final String FRAME_ENCODER = "frame-encoder";
  static final String SESSION = "session";

  private final ChatServices services;
  private final MuxConfig muxConfig;
  private final int maxFrameBytes;

  ChatPipeline(ChatServices services, MuxConfig muxConfig, int maxFrameBytes) {
    this.services = services;
    this.muxConfig = muxConfig;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** For connections from gateways: mux framing, then one child channel per stream. */
  ChannelHandler muxConnection() {
    ChannelInitializer<MuxStreamChannel> streams =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(MuxStreamChannel stream) {
            stream.pipeline().addLast(AUTH_REPLAY, new AuthFrameReplay());
            addSession(stream, new StreamTransport(stream));
          }
        };
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(MUX_CODEC, new MuxFrameCodec(muxConfig.maxFrameSize()));
        ch.pipeline().addLast(MUX, new MuxMultiplexHandler(muxConfig, MuxMultiplexHandler.Role.SERVER, streams));
      }
    };
  }

  /** For the direct TLS listener (development, and measuring the gateway's overhead). */
  ChannelHandler directClient(SslContext tls) {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(TLS, tls.newHandler(ch.alloc()));
        // The checks a gateway makes on the first frame before any chat server sees it.
        ch.pipeline().addLast(AUTH_CHECK, new DirectAuthCheck(ClientFrameCodec.DEFAULT_MAX_AUTH_FRAME_BYTES, services.metrics()));
        addSession(ch, new DirectTransport(ch));
      }
    };
  }

  private void addSession(Channel ch, SessionTransport transport) {
    ch.pipeline().addLast(FRAME_DECODER, new ClientFrameDecoder(maxFrameBytes));
    ch.pipeline().addLast(FRAME_ENCODER, ClientFrameEncoder.INSTANCE);
    ch.pipeline().addLast(SESSION, new ChatSessionHandler(services, transport));
  }

  /**
   * Feeds the auth frame the gateway put in OpenStream into the stream as its first bytes, so the
   * session verifies it exactly as if the client had connected directly; then steps aside.
   */
  static final class AuthFrameReplay extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.fireChannelActive();
      MuxStreamChannel stream = (MuxStreamChannel) ctx.channel();
      byte[] authFrame = stream.openSpec() == null ? null : stream.openSpec().getAuthFrame();
      if (authFrame != null && authFrame.length > 0) {
        ctx.fireChannelRead(Unpooled.wrappedBuffer(authFrame));
        ctx.fireChannelReadComplete();
      }
      ctx.pipeline().remove(this);
    }
  }
}
