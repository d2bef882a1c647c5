package io.presenter.gateway.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.presenter.gateway.routing.Routes;
import io.presenter.protocol.client.ClientFrameHeader;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.mux.MuxConfig;
import io.presenter.protocol.mux.MuxFrame;
import io.presenter.protocol.mux.MuxMultiplexHandler;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.MuxStreamChannelBootstrap;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.protocol.mux.thrift.OpenStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A chat server as the gateway's handlers see it, for EmbeddedChannel tests: one mux connection
 * (an EmbeddedChannel holding the gateway side's {@link MuxMultiplexHandler}, frames as objects)
 * and {@link Routes} that open streams on it. Opens can be held back to complete later, or fail.
 */
public final class FakeBackend implements Routes, AutoCloseable {
  /** A stream open that was asked for and not completed yet. */
  public record HeldOpen(OpenStream spec, ChannelHandler handler, Promise<MuxStreamChannel> promise) {}

  public final EmbeddedChannel connection;
  private final Deque<HeldOpen> held = new ArrayDeque<>();
  private boolean holdOpens;
  private boolean failOpens;
  private long ringVersion;

  public FakeBackend() {
    connection = new EmbeddedChannel(new MuxMultiplexHandler(MuxConfig.defaults("gateway"), MuxMultiplexHandler.Role.CLIENT, null));
    connection.writeInbound(new MuxFrame.Settings(1, 65536, 65536, 100, "chat"));
    frames(); // our Settings
  }

  /** From now on opens wait for {@link #completeHeldOpen()} (a stream opening on another loop). */
  public FakeBackend holdingOpens(boolean hold) {
    this.holdOpens = hold;
    return this;
  }

  /** From now on opens fail (no chat server reachable). */
  public FakeBackend failingOpens(boolean fail) {
    this.failOpens = fail;
    return this;
  }

  public void ringVersion(long version) {
    this.ringVersion = version;
  }

  @Override
  public long ringVersion() {
    return ringVersion;
  }

  @Override
  public Future<MuxStreamChannel> open(OpenStream spec, EventLoop clientLoop, ChannelHandler streamHandler) {
    if (failOpens) {
      return clientLoop.newFailedFuture(new IllegalStateException("no chat server"));
    }
    spec.setRingVersion(ringVersion);
    if (holdOpens) {
      Promise<MuxStreamChannel> promise = clientLoop.newPromise();
      held.add(new HeldOpen(spec, streamHandler, promise));
      return promise;
    }
    return new MuxStreamChannelBootstrap(connection).handler(streamHandler).open(spec);
  }

  public int heldOpens() {
    return held.size();
  }

  /** Opens the oldest held stream now and completes its future. */
  public MuxStreamChannel completeHeldOpen() {
    HeldOpen open = held.remove();
    MuxStreamChannel stream = new MuxStreamChannelBootstrap(connection).handler(open.handler()).open(open.spec()).getNow();
    open.promise().setSuccess(stream);
    return stream;
  }

  /** The frames the gateway side sent, in order; Data payloads are copied into {@link Data} and released. */
  public List<Object> frames() {
    connection.runPendingTasks();
    List<Object> out = new ArrayList<>();
    Object frame;
    while ((frame = connection.readOutbound()) != null) {
      if (frame instanceof MuxFrame.Data data) {
        out.add(new Data(data.streamId(), ByteBufUtil.getBytes(data.content())));
        data.content().release();
      } else {
        out.add(frame);
      }
    }
    return out;
  }

  /** A Data frame's stream and payload bytes. */
  public record Data(int streamId, byte[] payload) {}

  /** The chat server sends {@code frame} (client protocol) on stream {@code streamId}. */
  public void send(int streamId, ClientFrame frame) {
    connection.writeInbound(new MuxFrame.Data(streamId, ClientFrames.encode(ByteBufAllocator.DEFAULT, frame)));
    connection.runPendingTasks();
  }

  /** The chat server sends raw bytes on stream {@code streamId}. */
  public void sendRaw(int streamId, byte[] bytes) {
    connection.writeInbound(new MuxFrame.Data(streamId, Unpooled.wrappedBuffer(bytes)));
    connection.runPendingTasks();
  }

  /** The chat server closes stream {@code streamId}. */
  public void close(int streamId, CloseReason reason, long ringVersion) {
    connection.writeInbound(new MuxFrame.Close(streamId, reason, ringVersion, null));
    connection.runPendingTasks();
  }

  /** Decodes one whole client-protocol frame (length word and body). */
  public static ClientFrame decodeFrame(ByteBuf frame) {
    try {
      return ClientFrames.decodeBody(frame.slice(frame.readerIndex() + ClientFrameHeader.BYTES, frame.readableBytes() - ClientFrameHeader.BYTES));
    } finally {
      frame.release();
    }
  }

  @Override
  public void close() {
    connection.finishAndReleaseAll();
  }
}
