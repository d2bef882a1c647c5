package io.presenter.protocol.client;

import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.protocol.client.thrift.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random frames of every kind, with random optional fields, strings and bodies. */
final class RandomFrames {
  private final Random random;

  RandomFrames(long seed) {
    random = new Random(seed);
  }

  ClientFrame next() {
    ClientFrame._Fields[] kinds = ClientFrame._Fields.values();
    return switch (kinds[random.nextInt(kinds.length)]) {
      case AUTH -> {
        ClientFrame f = ClientFrames.auth(string(), string(), random.nextLong(), random.nextInt());
        if (random.nextBoolean()) {
          f.getAuth().setClientVersion(string());
        }
        yield f;
      }
      case AUTH_OK -> {
        ClientFrame f =
            ClientFrames.authOk(string(), string(), random.nextLong(), random.nextInt());
        if (random.nextBoolean()) {
          f.getAuthOk().setPartnerId(string()).setPartnerOnline(random.nextBoolean());
        }
        if (random.nextBoolean()) {
          f.getAuthOk().setServerTime(random.nextLong()).setMaxFrameSize(random.nextInt());
        }
        yield f;
      }
      case SEND -> ClientFrames.send(string(), random.nextInt(), body(200_000));
      case ACK -> ClientFrames.ack(string(), random.nextLong(), random.nextLong());
      case MESSAGE -> ClientFrame.message(message(200_000));
      case TYPING -> ClientFrames.typing(random.nextBoolean(), maybe(string()));
      case READ_UP_TO -> ClientFrames.readUpTo(random.nextLong(), maybe(string()));
      case PRESENCE -> ClientFrames.presence(string(), random.nextBoolean());
      case SYNC_REQUEST -> ClientFrames.syncRequest(random.nextLong(), maybe(random.nextInt()));
      case SYNC_PAGE -> {
        List<Message> messages = new ArrayList<>();
        for (int i = random.nextInt(6); i > 0; i--) {
          messages.add(message(8_000));
        }
        yield ClientFrames.syncPage(
            random.nextLong(), messages, random.nextBoolean(), random.nextLong());
      }
      case PING -> ClientFrames.ping(random.nextLong());
      case PONG -> ClientFrames.pong(random.nextLong());
      case GO_AWAY -> {
        ClientFrame f = ClientFrames.goAway(pick(GoAwayReason.values()), maybe(random.nextInt()));
        if (random.nextBoolean()) {
          f.getGoAway().setMessage(string());
        }
        yield f;
      }
      case SESSION_REESTABLISHED -> ClientFrames.sessionReestablished(random.nextLong());
      case ERROR -> {
        ClientFrame f =
            ClientFrames.error(
                pick(ErrorCode.values()),
                maybe(string()),
                random.nextBoolean(),
                maybe(random.nextInt()));
        if (random.nextBoolean()) {
          f.getError().setClientMessageId(string());
        }
        yield f;
      }
    };
  }

  private Message message(int maxBody) {
    return ClientFrames.newMessage(
        random.nextLong(),
        string(),
        maybe(string()),
        random.nextLong(),
        random.nextInt(),
        body(maxBody),
        maybe(string()));
  }

  /** Empty, short, medium or (rarely) large; random noise or compressible text. */
  private byte[] body(int max) {
    int roll = random.nextInt(100);
    int length =
        roll < 10
            ? 0
            : roll < 60
                ? random.nextInt(64)
                : roll < 90
                    ? random.nextInt(4096)
                    : roll < 97 ? random.nextInt(Math.min(max, 40_000)) : random.nextInt(max);
    byte[] body = new byte[length];
    if (random.nextBoolean()) {
      random.nextBytes(body);
    } else {
      byte[] words = "lorem ipsum dolor sit amet, consectetur ".getBytes();
      for (int i = 0; i < length; i++) {
        body[i] = random.nextInt(20) == 0 ? (byte) random.nextInt() : words[i % words.length];
      }
    }
    return body;
  }

  /** Up to 40 code points: mostly ASCII, some from the rest of the BMP and beyond. */
  private String string() {
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(41); i > 0; i--) {
      int roll = random.nextInt(10);
      int cp =
          roll < 7
              ? 0x20 + random.nextInt(0x5f)
              : roll < 9
                  ? 0xa0 + random.nextInt(0xd7ff - 0xa0)
                  : 0x10000 + random.nextInt(0x10ffff - 0x10000);
      s.appendCodePoint(cp);
    }
    return s.toString();
  }

  private <T> T maybe(T value) {
    return random.nextBoolean() ? value : null;
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }
}
