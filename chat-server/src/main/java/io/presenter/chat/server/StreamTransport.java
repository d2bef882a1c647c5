package io.presenter.chat.server;

import io.presenter.chat.couple.SessionEnd;
import io.presenter.chat.session.SessionTransport;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.thrift.OpenStream;

/** A session on a mux stream from a gateway: facts come from its OpenStream, ends are stream Closes. */
final class StreamTransport implements SessionTransport {
  private final MuxStreamChannel stream;

  StreamTransport(MuxStreamChannel stream) {
    this.stream = stream;
  }

  @Override
  public String routedCoupleId() {
    OpenStream spec = stream.openSpec();
    return spec != null && spec.isSetCoupleId() ? spec.getCoupleId() : null;
  }

  @Override
  public boolean isReopen() {
    OpenStream spec = stream.openSpec();
    return spec != null && spec.getReopenCount() > 0;
  }

  @Override
  public boolean reroutes() {
    return true;
  }

  @Override
  public String clientAddress() {
    OpenStream spec = stream.openSpec();
    if (spec == null || !spec.isSetClientAddress()) {
      return "unknown client via " + stream.parent().remoteAddress();
    }
    return spec.getClientAddress() + ":" + spec.getClientPort();
  }

  @Override
  public void end(SessionEnd reason, long ringVersion, String message) {
    stream.close(WireReasons.closeReason(reason), ringVersion, message);
  }

  @Override
  public void closeAfterError(SessionEnd reason, String message) {
    stream.close(WireReasons.closeReason(reason), 0, message);
  }
}
