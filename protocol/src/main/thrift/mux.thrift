/*
 * Presenter stream-multiplexing protocol (gateway <-> chat server).
 *
 * Framing: every frame is a 4-byte big-endian unsigned length N (not counting itself)
 * followed by N bytes holding one MuxFrame encoded with the Thrift Compact protocol.
 * N must be 1..maxFrameSize (the receiver's advertised Settings.maxFrameSize).
 *
 * Both sides send Settings as their first frame. Streams are opened by either side
 * (the connecting side uses odd ids, the accepting side even ids; in Presenter only the
 * gateway opens streams). Every data byte is subject to per-stream credit flow control.
 * The complete state machine and error rules are in docs/PROTOCOL.md.
 *
 * Compatibility: unknown fields are skipped by every Thrift decoder; a MuxFrame whose
 * only field is unknown to the receiver (a frame kind added later) is skipped.
 * Field ids are never reused.
 */
namespace java io.presenter.protocol.mux.thrift
// For other generators (the wire format does not depend on these names).
namespace py presenter.mux_protocol
namespace go presenter.muxprotocol
namespace cpp presenter.mux_protocol
namespace swift PresenterMuxProtocol
namespace kotlin io.presenter.protocol.mux.thrift
namespace netstd Presenter.MuxProtocol
namespace js PresenterMuxProtocol

/** Protocol version sent in Settings.version. A peer announcing another version is refused. */
const i32 MUX_PROTOCOL_VERSION = 1

/** Why a stream or connection ended. Values are stable on the wire. */
enum CloseReason {
  /** Orderly end, nothing to do. */
  NORMAL = 0,
  /** The couple is owned by another chat server; re-route (see Close.ringVersion). */
  MOVED = 1,
  /** The sender is shutting down; reconnect elsewhere. */
  DRAINING = 2,
  /** A limit was hit (max concurrent streams, memory); retry later. */
  OVERLOADED = 3,
  /** The auth frame or the identity in OpenStream was rejected. */
  AUTH_FAILED = 4,
  /** The peer broke this specification. */
  PROTOCOL_ERROR = 5,
  /** The peer sent more Data than its credit allowed. */
  FLOW_CONTROL_ERROR = 6,
  /** A bug or unexpected failure in the sender. */
  INTERNAL_ERROR = 7,
  /** The client behind the stream went away (gateway -> chat server). */
  CLIENT_GONE = 8,
  /** The stream was refused before any processing (e.g. after GoAway); safe to retry. */
  REFUSED = 9,
}

/** First frame on a connection, from both sides. Absent fields take the defaults below. */
struct Settings {
  /** MUX_PROTOCOL_VERSION of the sender. */
  1: i32 version = 1,
  /** Largest frame (the length N) the sender accepts. Minimum 1024. */
  2: i32 maxFrameSize = 65536,
  /** Credit, in payload bytes, each new stream grants the peer for sending Data to the sender. */
  3: i32 initialStreamWindow = 65536,
  /** How many streams the peer may have open towards the sender at once. */
  4: i32 maxConcurrentStreams = 100000,
  /** Free-form identity of the sender (gateway id or chat-server id), for logs. */
  5: optional string peerId,
}

/** TLS facts about the client connection, as the gateway saw them. */
struct TlsInfo {
  1: optional string protocol,
  2: optional string cipherSuite,
  3: optional bool resumed,
  4: optional string serverName,
}

/** Opens a stream. The identity fields were verified by the sender (the gateway). */
struct OpenStream {
  1: i32 streamId,
  2: optional string userId,
  3: optional string coupleId,
  4: optional string deviceId,
  5: optional string clientAddress,
  6: optional i32 clientPort,
  7: optional TlsInfo tls,
  /** Version of the hash ring the sender routed with (0 if unknown). */
  8: optional i64 ringVersion,
  /** The client's auth frame exactly as received, length prefix included. */
  9: optional binary authFrame,
  /** 0 on the first open; incremented each time the gateway re-routes the same client. */
  10: optional i32 reopenCount,
}

/** Stream payload: opaque bytes of the client protocol, in order. */
struct Data {
  1: i32 streamId,
  2: binary payload,
}

/** Grants the peer `increment` more bytes of Data credit on streamId. */
struct WindowUpdate {
  1: i32 streamId,
  2: i32 increment,
}

/** Ends a stream in both directions. No frame for this stream follows from the sender. */
struct Close {
  1: i32 streamId,
  2: CloseReason reason = CloseReason.NORMAL,
  /** For MOVED: the ring version under which the sender decided; 0 if unknown. */
  3: optional i64 ringVersion,
  4: optional string message,
}

/** Liveness probe; the receiver answers with Pong carrying the same opaque value. */
struct Ping {
  1: i64 opaque,
}

struct Pong {
  1: i64 opaque,
}

/**
 * No new streams from the receiver will be accepted by the sender. Streams with an id
 * up to lastStreamId that are open continue until closed; the connection then ends.
 */
struct GoAway {
  1: i32 lastStreamId,
  2: CloseReason reason = CloseReason.NORMAL,
  3: optional string message,
}

/** One frame. Exactly one field is set; a frame with no known field is skipped. */
union MuxFrame {
  1: Settings settings,
  2: OpenStream open,
  3: Data data,
  4: WindowUpdate windowUpdate,
  5: Close close,
  6: Ping ping,
  7: Pong pong,
  8: GoAway goAway,
}
