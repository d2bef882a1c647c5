package io.presenter.gateway;

import static io.presenter.protocol.client.thrift.clientConstants.CAP_SNAPPY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.presenter.protocol.client.ClientFrameCodec;
import io.presenter.protocol.client.ClientFrameDecoder;
import io.presenter.protocol.client.ClientFrameError;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.vectors.FrameJson;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one exchange of docs/protocol-vectors.json against a TLS port, as the file's schema
 * describes: opens the connections the steps name, writes each send step in one write, and matches
 * every frame received against the expectations (PROTOCOL.md section 8).
 */
final class ExchangeRunner {
  private static final long FRAME_TIMEOUT_SECONDS = 10;
  private static final long CLOSE_TIMEOUT_SECONDS = 5;

  private final EventLoopGroup group;
  private final SslContext tls;
  private final int port;
  private final String couple;
  private final Function<JsonNode, String> tokens;
  private final Map<String, Conn> conns = new LinkedHashMap<>();

  /**
   * @param couple the couple id {@code $couple} stands for: one no earlier run has used
   * @param tokens mints the token a {@code $token} placeholder asks for, given its claims object
   *     with {@code $couple} already replaced
   */
  ExchangeRunner(EventLoopGroup group, SslContext tls, int port, String couple, Function<JsonNode, String> tokens) {
    this.group = group;
    this.tls = tls;
    this.port = port;
    this.couple = couple;
    this.tokens = tokens;
  }

  void run(JsonNode exchange) throws Exception {
    try {
      int index = 0;
      for (JsonNode step : exchange.get("steps")) {
        String where = "step " + index++ + " " + step;
        Conn conn = conn(step.get("conn").textValue());
        if (step.has("send")) {
          send(conn, step.get("send"));
        } else if (step.has("expect")) {
          expect(conn, step.get("expect"), where);
        } else if (step.has("expectClose")) {
          expectClose(conn, where);
        } else {
          throw new IllegalArgumentException("unknown step " + where);
        }
      }
      conns.forEach((name, conn) -> assertThat(conn.received).as("frames left unread on %s", name).isEmpty());
    } finally {
      conns.values().forEach(c -> c.channel.close().syncUninterruptibly());
    }
  }

  private void send(Conn conn, JsonNode items) {
    CompositeByteBuf write = ByteBufAllocator.DEFAULT.compositeBuffer(items.size());
    for (JsonNode item : items) {
      if (item.has("hex")) {
        write.addComponent(true, Unpooled.wrappedBuffer(HexFormat.of().parseHex(item.get("hex").textValue())));
      } else {
        ClientFrame frame = FrameJson.frame(substitute(item.get("frame")));
        write.addComponent(true, ClientFrames.encode(ByteBufAllocator.DEFAULT, frame));
      }
    }
    conn.channel.writeAndFlush(write).syncUninterruptibly();
  }

  private void expect(Conn conn, JsonNode expect, String where) throws InterruptedException {
    Object next = conn.received.poll(FRAME_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(next).as("a frame within %d s, %s", FRAME_TIMEOUT_SECONDS, where).isNotNull();
    assertThat(next).as(where).isInstanceOf(ClientFrame.class);
    ObjectNode actual = FrameJson.toJson((ClientFrame) next);
    String got = actual.toString();
    for (JsonNode pointer : expect.path("vary")) {
      assertThat(actual.at(pointer.textValue()).isMissingNode()).as("%s present in %s, %s", pointer, got, where).isFalse();
      remove(actual, pointer.textValue());
    }
    for (JsonNode pointer : expect.path("optional")) {
      remove(actual, pointer.textValue());
    }
    for (Map.Entry<String, JsonNode> contains : expect.path("contains").properties()) {
      assertThat(actual.at(contains.getKey()).asText()).as("%s in %s, %s", contains.getKey(), got, where).contains(contains.getValue().textValue());
      remove(actual, contains.getKey());
    }
    if (actual.get("error") instanceof ObjectNode error && !error.has("fatal")) {
      error.put("fatal", false); // absent means false (PROTOCOL.md 3.5)
    }
    assertThat(actual).as("received %s, %s", got, where).isEqualTo(substitute(expect.get("frame")));
  }

  private static void expectClose(Conn conn, String where) throws InterruptedException {
    assertThat(conn.channel.closeFuture().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .as("closed by the server within %d s, %s", CLOSE_TIMEOUT_SECONDS, where)
        .isTrue();
    assertThat(conn.received).as("nothing after the last expected frame, %s", where).isEmpty();
  }

  /** Replaces {@code "$couple"} and {@code {"$token": ...}}; {@code $repeat} is FrameJson's. */
  private JsonNode substitute(JsonNode node) {
    if (node.isTextual() && node.textValue().equals("$couple")) {
      return JsonNodeFactory.instance.textNode(couple);
    }
    if (node.isObject() && node.has("$token")) {
      return JsonNodeFactory.instance.textNode(tokens.apply(substitute(node.get("$token"))));
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(e -> copy.set(e.getKey(), substitute(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      var copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> copy.add(substitute(e)));
      return copy;
    }
    return node;
  }

  private static void remove(ObjectNode root, String pointer) {
    int slash = pointer.lastIndexOf('/');
    if (root.at(pointer.substring(0, slash)) instanceof ObjectNode parent) {
      parent.remove(pointer.substring(slash + 1));
    }
  }

  private Conn conn(String name) throws InterruptedException {
    Conn conn = conns.get(name);
    if (conn == null) {
      conn = new Conn();
      conn.channel = connect(conn);
      conns.put(name, conn);
    }
    return conn;
  }

  private Channel connect(Conn conn) throws InterruptedException {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", port));
                ch.pipeline().addLast(new ClientFrameDecoder(), conn);
              }
            })
        .connect(new InetSocketAddress("127.0.0.1", port))
        .sync()
        .channel();
  }

  /** One connection: what it received, in order (frames, and a decoder error if the server broke the framing). */
  private static final class Conn extends SimpleChannelInboundHandler<ClientFrame> {
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    Channel channel;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ClientFrame frame) {
      // A client accepts compressed frames once AuthOk granted CAP_SNAPPY; the decoder checks
      // the flag per frame, so frames right behind AuthOk in the same read are covered.
      if (frame.isSetAuthOk() && (frame.getAuthOk().getCapabilities() & CAP_SNAPPY) != 0) {
        ClientFrameCodec.enableSnappy(ctx.channel());
      }
      received.add(frame);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ClientFrameError error) {
        received.add(error);
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset after the server's last frame; expectClose sees the close
    }
  }
}
