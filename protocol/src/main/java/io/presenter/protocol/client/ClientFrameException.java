package io.presenter.protocol.client;

import io.presenter.protocol.client.thrift.ErrorCode;

/**
 * A frame body could not be decoded. Carries the {@link ErrorCode} to answer with. Cheap to
 * construct (no stack trace): peers can trigger it at will.
 */
public final class ClientFrameException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public ClientFrameException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  ClientFrameError toError() {
    return new ClientFrameError(code, getMessage());
  }
}
