package io.presenter.runtime.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemberTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encodesTheDocumentedJson() {
    Member member = new Member("chat-1", "10.0.0.5", 7100, 7443, 7180);
    assertThat(new String(member.toJson(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"id\":\"chat-1\",\"host\":\"10.0.0.5\",\"muxPort\":7100,\"clientPort\":7443,\"adminPort\":7180}");
    assertThat(Member.fromJson(member.toJson())).isEqualTo(member);
  }

  @Test
  void ignoresUnknownFieldsAndDefaultsOptionalPorts() {
    Member member = Member.fromJson(utf8(
        "{\"zone\":\"eu-1\",\"id\":\"chat-\u00e9\",\"weights\":[1,2],\"host\":\"h\",\"muxPort\":1}"));
    assertThat(member).isEqualTo(new Member("chat-\u00e9", "h", 1, 0, 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "garbage", "[]", "\"chat-1\"", "{\"id\":\"a\",\"host\":\"h\",\"muxPort\":1} trailing",
      "{\"host\":\"h\",\"muxPort\":1}", "{\"id\":\"a\",\"muxPort\":1}", "{\"id\":\"a\",\"host\":\"h\"}",
      "{\"id\":7,\"host\":\"h\",\"muxPort\":1}", "{\"id\":\"a\",\"host\":\"h\",\"muxPort\":\"1\"}",
      "{\"id\":\"a\",\"host\":\"h\",\"muxPort\":1.5}", "{\"id\":\"a\",\"host\":\"h\",\"muxPort\":70000}",
      "{\"id\":\"a\",\"host\":\"h\",\"muxPort\":1,\"adminPort\":-1}",
      "{\"id\":\"a/b\",\"host\":\"h\",\"muxPort\":1}", "{\"id\":\" \",\"host\":\"h\",\"muxPort\":1}",
      "{\"id\":\"a\",\"host\":\"\",\"muxPort\":1}", "{\"id\":null,\"host\":\"h\",\"muxPort\":1}"})
  void rejectsInvalidData(String json) {
    assertThatThrownBy(() -> Member.fromJson(utf8(json)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("member");
  }

  @Test
  void rejectsNullAndOversizedData() {
    assertThatThrownBy(() -> Member.fromJson(null)).hasMessageContaining("empty");
    byte[] big = utf8("{\"id\":\"a\",\"host\":\"" + "h".repeat(Member.MAX_JSON_BYTES) + "\",\"muxPort\":1}");
    assertThatThrownBy(() -> Member.fromJson(big)).hasMessageContaining("limit");
  }

  @Test
  void errorMessagesSayWhatIsWrong() {
    assertThatThrownBy(() -> Member.fromJson(utf8("{\"id\":\"a\",\"host\":\"h\"}")))
        .hasMessageContaining("missing \"muxPort\"");
    assertThatThrownBy(() -> Member.fromJson(utf8("{\"id\":\"a\",\"host\":\"h\",\"muxPort\":\"x\"}")))
        .hasMessageContaining("\"muxPort\" is not an integer");
    assertThatThrownBy(() -> Member.fromJson(utf8("nope")))
        .hasMessageStartingWith("invalid member data: not JSON");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", ".", "..", "a/b", "tab\there", "nul\u0000", "emoji\ud83d\ude00"})
  void validatesIds(String id) {
    assertThatThrownBy(() -> new Member(id, "h", 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validatesLengthAndPorts() {
    new Member("x".repeat(Member.MAX_ID_LENGTH), "h", 0, 65_535, 0);
    assertThatThrownBy(() -> new Member("x".repeat(Member.MAX_ID_LENGTH + 1), "h", 1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Member("a", "h", 65_536, 0, 0)).hasMessageContaining("muxPort");
    assertThatThrownBy(() -> new Member("a", "h", 1, -1, 0)).hasMessageContaining("clientPort");
    assertThatThrownBy(() -> new Member("a", "h", 1, 0, 70_000)).hasMessageContaining("adminPort");
    assertThatThrownBy(() -> new Member(null, "h", 1, 0, 0)).isInstanceOf(NullPointerException.class);
  }
}
