package io.presenter.chat.session;

import io.presenter.protocol.client.AuthFrameCheck;
import io.presenter.protocol.client.ClientFrameError;
import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.runtime.token.AuthTokenCheck;
import io.presenter.runtime.token.TokenVerifier;
import io.presenter.runtime.token.VerifiedToken;

/**
 * The chat server's whole check of a client's Auth frame, done even behind a gateway (defence in
 * depth): the first-frame and token checks every receiver of a first frame makes ({@link
 * AuthFrameCheck}, {@link AuthTokenCheck}), then, on a routed stream, that the token's couple is
 * the one the gateway routed.
 */
final class SessionAuthCheck {
  /** Either a verified token, or the error to answer with (fatal; the session ends as AUTH_FAILED). */
  record Outcome(VerifiedToken token, ErrorCode error, String message) {
    boolean accepted() {
      return token != null;
    }

    static Outcome rejected(ErrorCode error, String message) {
      return new Outcome(null, error, message);
    }
  }

  private SessionAuthCheck() {}

  /** @param routedCoupleId the couple a gateway routed the session to, or null on a direct connection */
  static Outcome check(Auth auth, TokenVerifier tokens, String routedCoupleId) {
    ClientFrameError invalid = AuthFrameCheck.check(auth);
    if (invalid != null) {
      return Outcome.rejected(invalid.code(), invalid.message());
    }
    AuthTokenCheck.Outcome checked = AuthTokenCheck.check(auth, tokens);
    if (!checked.accepted()) {
      return Outcome.rejected(checked.error(), checked.message());
    }
    VerifiedToken token = checked.token();
    if (routedCoupleId != null && !routedCoupleId.equals(token.coupleId())) {
      return Outcome.rejected(ErrorCode.WRONG_COUPLE, "token is for another couple than the stream");
    }
    return new Outcome(token, null, null);
  }
}
