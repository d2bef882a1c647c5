package io.presenter.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.presenter.chat.server.ChatServer;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.ServerError;
import io.presenter.runtime.testing.ZooKeeperExtension;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/PROTOCOL.md 3.5 and 3.8: a request without a required field is refused with a non-fatal
 * BAD_REQUEST (never filled with a default), and every error a send causes carries the
 * clientMessageId exactly as the client sent it.
 */
class RequestValidationTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @TempDir Path dir;
  private ChatTestCluster cluster;
  private MuxTestClient gateway;
  private ChatServer server;
  private Channel connection;
  private TestSession alice;
  private final String couple = "couple-" + UUID.randomUUID();

  @BeforeEach
  void start() throws Exception {
    cluster = new ChatTestCluster(zk.connectString(), dir);
    server = cluster.start("chat-a");
    gateway = new MuxTestClient();
    connection = gateway.connect(server.muxPort());
    alice = gateway.open(connection, cluster.token("alice", couple), couple, "phone", 0, 0);
    assertThat(alice.next().isSetAuthOk()).isTrue();
  }

  @AfterEach
  void stop() {
    gateway.close();
    cluster.close();
  }

  @Test
  void everyClientKindWithoutARequiredFieldIsABadRequest() throws Exception {
    // Raw bytes: Thrift's Java writer always writes required primitives, other generators may not.
    assertRefused(frame(3, w -> w.string(1, "no-body").i32(2, 1)), "body");
    assertRefused(frame(3, w -> w.string(1, "no-kind").binary(3, new byte[] {1})), "kind");
    assertRefused(frame(3, w -> w.i32(2, 1).binary(3, new byte[] {1})), "clientMessageId");
    assertRefused(frame(9, w -> w.i32(2, 10)), "afterSeq");
    assertRefused(frame(11, w -> {}), "nonce");
    assertRefused(frame(6, w -> {}), "typing");
    assertRefused(frame(7, w -> {}), "seq");

    // Nothing was stored, and the session is still served.
    alice.send(ClientFrames.send("complete", 1, new byte[] {7}));
    assertThat(alice.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(1);
  }

  @Test
  void aSendRefusedForItsMissingFieldCarriesItsId() throws Exception {
    alice.sendRaw(frame(3, w -> w.string(1, "m-1").i32(2, 1)));

    ServerError error = alice.next(ClientFrame::isSetError).getError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(error.getClientMessageId()).isEqualTo("m-1");
  }

  @Test
  void aSendRefusedForItsOwnIdEchoesTheIdAsSent() throws Exception {
    String tooLong = "x".repeat(65);
    alice.send(ClientFrames.send(tooLong, 1, new byte[] {1}));
    ServerError error = alice.next(ClientFrame::isSetError).getError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(error.getClientMessageId()).isEqualTo(tooLong);
    assertThat(error.isFatal()).isFalse();

    alice.send(ClientFrames.send("", 1, new byte[] {1}));
    ServerError empty = alice.next(ClientFrame::isSetError).getError();
    assertThat(empty.getCode()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(empty.isSetClientMessageId()).isTrue();
    assertThat(empty.getClientMessageId()).isEmpty();
  }

  @Test
  void aBodyTooLargeCarriesTheId() throws Exception {
    alice.send(ClientFrames.send("big", 1, new byte[65_537]));
    ServerError error = alice.next(ClientFrame::isSetError).getError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.BODY_TOO_LARGE);
    assertThat(error.getClientMessageId()).isEqualTo("big");
  }

  private void assertRefused(ByteBuf frame, String field) throws Exception {
    alice.sendRaw(frame);
    ClientFrame answer = alice.next(f -> f.isSetError() || f.isSetAck() || f.isSetPong() || f.isSetSyncPage());
    assertThat(answer.isSetError()).as("missing %s refused, got %s", field, answer).isTrue();
    assertThat(answer.getError().getCode()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(answer.getError().getMessage()).contains(field);
    assertThat(answer.getError().isFatal()).isFalse();
  }

  /** A client frame whose union field {@code kind} holds a struct with only the fields written by {@code fields}. */
  private static ByteBuf frame(int kind, Consumer<StructWriter> fields) throws TException {
    TMemoryBuffer buffer = new TMemoryBuffer(64);
    TCompactProtocol out = new TCompactProtocol(buffer);
    out.writeStructBegin(new TStruct("ClientFrame"));
    out.writeFieldBegin(new TField("kind", TType.STRUCT, (short) kind));
    out.writeStructBegin(new TStruct("body"));
    fields.accept(new StructWriter(out));
    out.writeFieldStop();
    out.writeStructEnd();
    out.writeFieldEnd();
    out.writeFieldStop();
    out.writeStructEnd();
    byte[] body = Arrays.copyOf(buffer.getArray(), buffer.length());
    return Unpooled.buffer().writeInt(body.length).writeBytes(body);
  }

  private record StructWriter(TCompactProtocol out) {
    StructWriter string(int id, String value) {
      return field(id, TType.STRING, () -> out.writeString(value));
    }

    StructWriter binary(int id, byte[] value) {
      return field(id, TType.STRING, () -> out.writeBinary(ByteBuffer.wrap(value)));
    }

    StructWriter i32(int id, int value) {
      return field(id, TType.I32, () -> out.writeI32(value));
    }

    private StructWriter field(int id, byte type, ThriftWrite write) {
      try {
        out.writeFieldBegin(new TField("f" + id, type, (short) id));
        write.run();
        out.writeFieldEnd();
      } catch (TException e) {
        throw new IllegalStateException(e);
      }
      return this;
    }
  }

  private interface ThriftWrite {
    void run() throws TException;
  }
}
