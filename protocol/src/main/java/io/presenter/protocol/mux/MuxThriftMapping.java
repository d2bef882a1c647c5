package io.presenter.protocol.mux;

import io.netty.buffer.Unpooled;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.protocol.mux.thrift.MuxFrame._Fields;

/** Converts between the generated Thrift union and the {@link MuxFrame} family. */
final class MuxThriftMapping {
  private MuxThriftMapping() {}

  /** Returns the frame, or null when the union holds no field this version knows (skip it). */
  static MuxFrame fromThrift(io.presenter.protocol.mux.thrift.MuxFrame union) {
    _Fields field = union.getSetField();
    if (field == null) {
      return null;
    }
    switch (field) {
      case SETTINGS: {
        var s = union.getSettings();
        return new MuxFrame.Settings(
            s.getVersion(),
            s.getMaxFrameSize(),
            s.getInitialStreamWindow(),
            s.getMaxConcurrentStreams(),
            s.getPeerId());
      }
      case OPEN:
        return new MuxFrame.Open(union.getOpen());
      case DATA: {
        var d = union.getData();
        byte[] payload = d.getPayload();
        return new MuxFrame.Data(
            d.getStreamId(), payload == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(payload));
      }
      case WINDOW_UPDATE:
        return new MuxFrame.WindowUpdate(
            union.getWindowUpdate().getStreamId(), union.getWindowUpdate().getIncrement());
      case CLOSE: {
        var c = union.getClose();
        return new MuxFrame.Close(
            c.getStreamId(), orInternalError(c.getReason()), c.getRingVersion(), c.getMessage());
      }
      case PING:
        return new MuxFrame.Ping(union.getPing().getOpaque());
      case PONG:
        return new MuxFrame.Pong(union.getPong().getOpaque());
      case GO_AWAY: {
        var g = union.getGoAway();
        return new MuxFrame.GoAway(g.getLastStreamId(), orInternalError(g.getReason()), g.getMessage());
      }
      default:
        return null;
    }
  }

  /** An enum value from a newer peer decodes as null; treat it as INTERNAL_ERROR (docs/PROTOCOL.md). */
  private static CloseReason orInternalError(CloseReason reason) {
    return reason == null ? CloseReason.INTERNAL_ERROR : reason;
  }

  static io.presenter.protocol.mux.thrift.MuxFrame toThrift(MuxFrame frame) {
    var union = new io.presenter.protocol.mux.thrift.MuxFrame();
    if (frame instanceof MuxFrame.Settings s) {
      var t =
          new io.presenter.protocol.mux.thrift.Settings()
              .setVersion(s.version())
              .setMaxFrameSize(s.maxFrameSize())
              .setInitialStreamWindow(s.initialStreamWindow())
              .setMaxConcurrentStreams(s.maxConcurrentStreams());
      if (s.peerId() != null) {
        t.setPeerId(s.peerId());
      }
      union.setSettings(t);
    } else if (frame instanceof MuxFrame.Open o) {
      union.setOpen(o.spec());
    } else if (frame instanceof MuxFrame.WindowUpdate w) {
      union.setWindowUpdate(
          new io.presenter.protocol.mux.thrift.WindowUpdate(w.streamId(), w.increment()));
    } else if (frame instanceof MuxFrame.Close c) {
      var t = new io.presenter.protocol.mux.thrift.Close().setStreamId(c.streamId()).setReason(c.reason());
      if (c.ringVersion() != 0) {
        t.setRingVersion(c.ringVersion());
      }
      if (c.message() != null) {
        t.setMessage(c.message());
      }
      union.setClose(t);
    } else if (frame instanceof MuxFrame.Ping p) {
      union.setPing(new io.presenter.protocol.mux.thrift.Ping(p.opaque()));
    } else if (frame instanceof MuxFrame.Pong p) {
      union.setPong(new io.presenter.protocol.mux.thrift.Pong(p.opaque()));
    } else if (frame instanceof MuxFrame.GoAway g) {
      var t =
          new io.presenter.protocol.mux.thrift.GoAway()
              .setLastStreamId(g.lastStreamId())
              .setReason(g.reason());
      if (g.message() != null) {
        t.setMessage(g.message());
      }
      union.setGoAway(t);
    } else if (frame instanceof MuxFrame.Data d) {
      byte[] bytes = new byte[d.content().readableBytes()];
      d.content().getBytes(d.content().readerIndex(), bytes);
      union.setData(new io.presenter.protocol.mux.thrift.Data().setStreamId(d.streamId()).setPayload(bytes));
    }
    return union;
  }
}
