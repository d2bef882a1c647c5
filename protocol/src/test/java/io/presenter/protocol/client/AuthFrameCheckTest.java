package io.presenter.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import org.junit.jupiter.api.Test;

class AuthFrameCheckTest {
  @Test
  void anAuthFrameWithTokenAndDeviceIdPasses() {
    assertThat(AuthFrameCheck.check(ClientFrames.auth("t", "d".repeat(AuthFrameCheck.MAX_DEVICE_ID_CHARS), 0, 0))).isNull();
  }

  @Test
  void aFirstFrameThatIsNotAuthIsAuthRequired() {
    assertThat(AuthFrameCheck.check(ClientFrames.send("m1", 1, new byte[] {1})).code()).isEqualTo(ErrorCode.AUTH_REQUIRED);
    assertThat(AuthFrameCheck.check((ClientFrame) null).code()).isEqualTo(ErrorCode.AUTH_REQUIRED);
  }

  @Test
  void missingTokenOrBadDeviceIdIsAuthInvalid() {
    for (Auth auth : new Auth[] {
        new Auth().setDeviceId("phone"),
        new Auth().setToken("").setDeviceId("phone"),
        new Auth().setToken("t"),
        new Auth().setToken("t").setDeviceId(""),
        new Auth().setToken("t").setDeviceId("d".repeat(AuthFrameCheck.MAX_DEVICE_ID_CHARS + 1))}) {
      ClientFrameError error = AuthFrameCheck.check(ClientFrame.auth(auth));
      assertThat(error).as("%s", auth).isNotNull();
      assertThat(error.code()).isEqualTo(ErrorCode.AUTH_INVALID);
      assertThat(error.message()).contains("1.." + AuthFrameCheck.MAX_DEVICE_ID_CHARS);
    }
  }
}
