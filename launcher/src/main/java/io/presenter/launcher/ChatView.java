package io.presenter.launcher;

import io.presenter.client.PresenterClient;
import io.presenter.client.PresenterListener;
import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.ServerError;
import io.presenter.protocol.client.thrift.SessionReestablished;
import io.presenter.protocol.client.thrift.clientConstants;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What {@code presenter chat} prints: history and incoming messages as {@code [seq] sender: text},
 * the partner's typing, read marker and presence, and connection changes. Called on the client's
 * event loop (one thread); prints whole lines to a shared {@link PrintStream}. Messages from the
 * partner are marked read as soon as they are printed.
 */
final class ChatView implements PresenterListener {
  private final PrintStream out;
  private volatile PresenterClient client;
  private volatile String me = "";

  ChatView(PrintStream out) {
    this.out = out;
  }

  void attach(PresenterClient c) {
    this.client = c;
  }

  void print(String line) {
    out.println(line);
    out.flush();
  }

  String me() {
    return me;
  }

  @Override
  public void connected(AuthOk info) {
    me = info.getUserId();
    String partner = info.isSetPartnerId() ? info.getPartnerId() : "partner";
    print("* connected as " + me + " (couple " + info.getCoupleId() + "; " + partner + " is "
        + (info.isPartnerOnline() ? "online" : "offline") + ", has read up to " + info.getPartnerReadUpTo() + ")");
  }

  @Override
  public void reestablished(SessionReestablished info) {
    print("* session moved to another chat server; resumed");
  }

  @Override
  public void message(Message m) {
    String who = m.getSenderId().equals(me) ? "you" : m.getSenderId();
    String text = m.getKind() == clientConstants.KIND_TEXT
        ? new String(m.getBody(), StandardCharsets.UTF_8)
        : "<kind " + m.getKind() + ", " + m.getBody().length + " bytes>";
    print("[" + m.getSeq() + "] " + who + ": " + text);
    PresenterClient c = client;
    if (c != null && !m.getSenderId().equals(me)) {
      c.readUpTo(m.getSeq());
    }
  }

  @Override
  public void typing(String userId, boolean typing) {
    if (typing) {
      print("* " + userId + " is typing...");
    }
  }

  @Override
  public void readUpTo(String userId, long seq) {
    print("* " + userId + " has read up to [" + seq + "]");
  }

  @Override
  public void presence(String userId, boolean online) {
    print("* " + userId + " is " + (online ? "online" : "offline"));
  }

  @Override
  public void error(ServerError error) {
    print("* server error " + error.getCode() + (error.isSetMessage() ? ": " + error.getMessage() : ""));
  }

  @Override
  public void disconnected(String reason, boolean willRetry) {
    print("* disconnected (" + reason + ")" + (willRetry ? "; reconnecting..." : ""));
  }
}
