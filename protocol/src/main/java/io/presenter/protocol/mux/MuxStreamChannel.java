package io.presenter.protocol.mux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.protocol.mux.thrift.OpenStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * One stream of a mux connection, exposed as a Netty {@link io.netty.channel.Channel} so the code
 * on top reads and writes {@link ByteBuf}s exactly as on a TCP connection. It lives on its parent
 * connection's event loop; {@link #parent()} is that connection.
 *
 * <p><b>Reading.</b> Inbound payloads are fired as {@code channelRead(ByteBuf)} (the handler
 * releases them) followed by {@code channelReadComplete}. With auto-read off, data waits in a
 * queue that the peer cannot overfill: credit is returned to the peer (WindowUpdate) only for
 * bytes handed to the pipeline, so the queue never exceeds this side's initial stream window.
 *
 * <p><b>Writing.</b> Only {@link ByteBuf}s may be written. They leave as Data frames as far as the
 * peer's credit allows; the rest waits in this channel's outbound buffer until a WindowUpdate
 * arrives. {@link #isWritable()} is false while the credit is exhausted, while the pending bytes
 * are above the write-buffer high-water mark, or while the parent connection is not writable, so
 * a producer that respects writability never makes one slow stream stall the shared connection.
 * A write completes once its bytes are handed to the parent connection.
 *
 * <p><b>Closing.</b> {@link #close()} sends Close(NORMAL); {@link #close(CloseReason, long,
 * String)} sends another reason. When the peer closes, data received before its Close is still
 * delivered, then the channel closes; if data is still queued when the Close arrives, the
 * {@link StreamCloseInfo} is fired as a user event first, and {@link #discardAndClose()} ends the
 * wait. Either way {@link #closeInfo()} says why.
 */
public final class MuxStreamChannel extends AbstractChannel {
  private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
  /** User-defined writability bits (ChannelOutboundBuffer allows 1..31). */
  private static final int NO_CREDIT_BIT = 1;
  private static final int PARENT_BLOCKED_BIT = 2;

  private final MuxMultiplexHandler connection;
  private final int streamId;
  private final OpenStream openSpec;
  private final ChannelConfig config = new DefaultChannelConfig(this);

  private boolean open = true;
  private int sendCredit;
  /** Bytes the peer may still send before we grant more. */
  private int receiveCredit;
  /** Bytes handed to the pipeline but not yet granted back to the peer. */
  private int consumedUngranted;
  private ArrayDeque<ByteBuf> inbound;
  private boolean readRequested;
  private boolean draining;
  private boolean readCompletePending;
  private StreamCloseInfo remoteClose;
  private StreamCloseInfo closeInfo;
  private StreamCloseInfo localCloseReason = StreamCloseInfo.LOCAL_NORMAL;

  MuxStreamChannel(MuxMultiplexHandler connection, int streamId, OpenStream openSpec, int sendCredit, int receiveCredit) {
    super(connection.channel(), new MuxStreamChannelId(connection.channel().id(), streamId));
    this.connection = connection;
    this.streamId = streamId;
    this.openSpec = openSpec;
    this.sendCredit = sendCredit;
    this.receiveCredit = receiveCredit;
  }

  /** The stream id on the wire; business code should not need it beyond logs. */
  public int streamId() {
    return streamId;
  }

  /** What the opener sent: verified identity, client address, TLS facts, ring version, auth frame. */
  public OpenStream openSpec() {
    return openSpec;
  }

  /** Why the stream ended; null while it is open. */
  public StreamCloseInfo closeInfo() {
    return closeInfo;
  }

  /** Bytes this side may still send before the peer grants more credit. */
  public int sendCredit() {
    return sendCredit;
  }

  /** Inbound bytes received but not yet read by the pipeline; never above this side's window. */
  public int queuedInboundBytes() {
    int total = 0;
    if (inbound != null) {
      for (ByteBuf buf : inbound) {
        total += buf.readableBytes();
      }
    }
    return total;
  }

  /** Closes the stream with a reason the peer sees in its Close frame. */
  public ChannelFuture close(CloseReason reason, long ringVersion, String message) {
    if (eventLoop().inEventLoop()) {
      localCloseReason = new StreamCloseInfo(StreamCloseInfo.Origin.LOCAL, reason, ringVersion, message);
      return close();
    }
    ChannelPromise promise = newPromise();
    eventLoop().execute(() -> {
      localCloseReason = new StreamCloseInfo(StreamCloseInfo.Origin.LOCAL, reason, ringVersion, message);
      close(promise);
    });
    return promise;
  }

  // ---- hooks called by MuxMultiplexHandler, always on the event loop ----

  void onData(ByteBuf payload) {
    int length = payload.readableBytes();
    if (!open || remoteClose != null) {
      payload.release();
      return;
    }
    if (length > receiveCredit) {
      payload.release();
      close(CloseReason.FLOW_CONTROL_ERROR, 0, "sent " + length + " bytes with " + receiveCredit + " credit");
      return;
    }
    receiveCredit -= length;
    if (length == 0) {
      payload.release();
      return;
    }
    if (readRequested && !draining && (inbound == null || inbound.isEmpty())) {
      deliver(payload);
      if (!readCompletePending) {
        readCompletePending = true;
        connection.readCompletePending(this);
      }
    } else {
      if (inbound == null) {
        inbound = new ArrayDeque<>(4);
      }
      inbound.add(payload);
    }
  }

  void onWindowUpdate(int increment) {
    if (!open) {
      return;
    }
    if (increment <= 0 || sendCredit > Integer.MAX_VALUE - increment) {
      close(CloseReason.FLOW_CONTROL_ERROR, 0, "bad window increment " + increment);
      return;
    }
    boolean wasBlocked = sendCredit <= 0;
    sendCredit += increment;
    if (wasBlocked) {
      ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
      if (buffer != null) {
        buffer.setUserDefinedWritability(NO_CREDIT_BIT, true);
      }
      if (buffer != null && !buffer.isEmpty()) {
        unsafe().flush();
      }
    }
  }

  void onRemoteClose(StreamCloseInfo info) {
    if (!open || remoteClose != null) {
      return;
    }
    remoteClose = info;
    if (inbound == null || inbound.isEmpty()) {
      unsafe().close(unsafe().voidPromise());
      return;
    }
    // The queued data is delivered first and drainInbound() closes afterwards. The pipeline is
    // told now (the StreamCloseInfo as a user event), so a reader that may never read again can
    // give up with discardAndClose().
    pipeline().fireUserEventTriggered(info);
  }

  /** Closes at once, dropping data still queued for the pipeline (after the peer's Close). */
  public void discardAndClose() {
    if (!eventLoop().inEventLoop()) {
      eventLoop().execute(this::discardAndClose);
      return;
    }
    releaseInbound();
    if (open) {
      unsafe().close(unsafe().voidPromise());
    }
  }

  /** True once the peer sent Close, though queued data may still be waiting for read(). */
  boolean isClosedByPeer() {
    return remoteClose != null;
  }

  void onConnectionLost(StreamCloseInfo info) {
    remoteClose = info;
    releaseInbound();
    if (open) {
      unsafe().close(unsafe().voidPromise());
    }
  }

  void onParentWritabilityChanged(boolean writable) {
    ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
    if (buffer != null) {
      buffer.setUserDefinedWritability(PARENT_BLOCKED_BIT, writable);
    }
  }

  void fireReadComplete() {
    if (readCompletePending) {
      readCompletePending = false;
      if (!config.isAutoRead()) {
        readRequested = false;
      }
      pipeline().fireChannelReadComplete();
    }
  }

  // ---- reading ----

  private void deliver(ByteBuf payload) {
    consumedUngranted += payload.readableBytes();
    pipeline().fireChannelRead(payload);
    // Grant in batches: half a window at a time keeps WindowUpdate traffic low without stalls.
    if (open && remoteClose == null && consumedUngranted >= connection.localInitialWindow() / 2) {
      int grant = consumedUngranted;
      consumedUngranted = 0;
      receiveCredit += grant;
      connection.writeFrame(new MuxFrame.WindowUpdate(streamId, grant));
      connection.scheduleFlush();
    }
  }

  private void drainInbound() {
    draining = true;
    boolean delivered = false;
    try {
      ByteBuf next;
      while (open && (next = inbound.poll()) != null) {
        deliver(next);
        delivered = true;
        if (!config.isAutoRead() && !readRequested) {
          break;
        }
      }
    } finally {
      draining = false;
    }
    if (delivered && open) {
      if (!config.isAutoRead()) {
        readRequested = false;
      }
      pipeline().fireChannelReadComplete();
    }
    if (open && remoteClose != null && inbound.isEmpty()) {
      unsafe().close(unsafe().voidPromise());
    }
  }

  private void releaseInbound() {
    if (inbound != null) {
      ByteBuf buf;
      while ((buf = inbound.poll()) != null) {
        buf.release();
      }
      inbound = null;
    }
  }

  @Override
  protected void doBeginRead() {
    if (!open) {
      return;
    }
    readRequested = true;
    if (!draining && inbound != null && !inbound.isEmpty()) {
      drainInbound();
    }
  }

  // ---- writing ----

  @Override
  protected void doWrite(ChannelOutboundBuffer in) {
    int maxPayload = connection.peerMaxPayload();
    for (;;) {
      Object msg = in.current();
      if (msg == null) {
        break;
      }
      if (!(msg instanceof ByteBuf buf)) {
        in.remove(new UnsupportedOperationException("a mux stream only writes ByteBuf, not " + msg.getClass().getName()));
        continue;
      }
      int readable = buf.readableBytes();
      if (readable == 0) {
        in.remove();
        continue;
      }
      if (sendCredit <= 0) {
        break;
      }
      int n = Math.min(readable, Math.min(sendCredit, maxPayload));
      ByteBuf chunk;
      if (n == readable) {
        chunk = buf.retain();
        in.remove();
      } else {
        chunk = buf.retainedSlice(buf.readerIndex(), n);
        in.removeBytes(n);
      }
      sendCredit -= n;
      connection.writeFrame(new MuxFrame.Data(streamId, chunk));
    }
    if (sendCredit <= 0) {
      in.setUserDefinedWritability(NO_CREDIT_BIT, false);
    }
    connection.scheduleFlush();
  }

  @Override
  protected Object filterOutboundMessage(Object msg) {
    if (msg instanceof ByteBuf) {
      return msg;
    }
    throw new UnsupportedOperationException("a mux stream only writes ByteBuf, not " + msg.getClass().getName());
  }

  // ---- lifecycle ----

  @Override
  protected void doClose() {
    if (!open) {
      return;
    }
    open = false;
    releaseInbound();
    if (remoteClose == null) {
      closeInfo = localCloseReason;
      connection.writeFrame(
          new MuxFrame.Close(streamId, localCloseReason.reason(), localCloseReason.ringVersion(), localCloseReason.message()));
      connection.scheduleFlush();
    } else {
      closeInfo = remoteClose;
    }
    connection.streamClosed(this);
  }

  @Override
  protected void doDisconnect() {
    doClose();
  }

  @Override
  protected void doBind(SocketAddress localAddress) {
    throw new UnsupportedOperationException("streams are opened by MuxStreamChannelBootstrap");
  }

  @Override
  protected boolean isCompatible(EventLoop loop) {
    return true;
  }

  @Override
  protected SocketAddress localAddress0() {
    return parent().localAddress();
  }

  /** The client's address as the gateway saw it, when the opener sent one; else the peer's. */
  @Override
  protected SocketAddress remoteAddress0() {
    if (openSpec != null && openSpec.isSetClientAddress()) {
      return InetSocketAddress.createUnresolved(openSpec.getClientAddress(), openSpec.getClientPort());
    }
    return parent().remoteAddress();
  }

  @Override
  protected AbstractUnsafe newUnsafe() {
    return new AbstractUnsafe() {
      @Override
      public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        promise.setFailure(new UnsupportedOperationException("streams are opened by MuxStreamChannelBootstrap"));
      }
    };
  }

  @Override
  public ChannelConfig config() {
    return config;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isActive() {
    return open;
  }

  @Override
  public ChannelMetadata metadata() {
    return METADATA;
  }

  @Override
  public String toString() {
    return "MuxStream(" + parent().id().asShortText() + "/" + streamId + (open ? "" : ", closed") + ")";
  }
}
