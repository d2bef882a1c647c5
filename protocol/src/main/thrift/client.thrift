/*
 * Presenter client protocol (phone <-> chat server, relayed unchanged by the gateway).
 *
 * Framing: every frame is a 4-byte big-endian length word followed by the frame body.
 * Bits 0..30 of the word are the body length N (1..maxFrameSize); bit 31 is set when the
 * body is a Snappy raw block (only after both sides agreed on CAP_SNAPPY in Auth/AuthOk).
 * The uncompressed body is one ClientFrame encoded with the Thrift Compact protocol.
 *
 * The first frame from the client must be Auth, never compressed, and at most 8192 bytes
 * including the length word. docs/PROTOCOL.md has the full state machine and limits.
 *
 * Compatibility: unknown fields are skipped; a ClientFrame whose only field is unknown
 * (a frame kind added later) is ignored by the receiver. Field ids are never reused.
 */
namespace java io.presenter.protocol.client.thrift
// For other generators (the wire format does not depend on these names).
namespace py presenter.client_protocol
namespace go presenter.clientprotocol
namespace cpp presenter.client_protocol
namespace swift PresenterClientProtocol
namespace kotlin io.presenter.protocol.client.thrift
namespace netstd Presenter.ClientProtocol
namespace js PresenterClientProtocol

/** Capability bit: the sender can receive Snappy-compressed frames. */
const i32 CAP_SNAPPY = 1

/** Message kinds known today; receivers must keep and show unknown kinds as opaque. */
const i32 KIND_TEXT = 1
const i32 KIND_IMAGE = 2
const i32 KIND_AUDIO = 3
const i32 KIND_REACTION = 4

/** Error codes carried in ServerError.code. Values are stable on the wire. */
enum ErrorCode {
  /** The frame could not be decoded (not Thrift, wrong framing, compressed without CAP_SNAPPY). */
  BAD_FRAME = 1,
  /** A frame other than Auth came first. */
  AUTH_REQUIRED = 2,
  /** Bad signature, unknown kid, malformed token or missing claims. */
  AUTH_INVALID = 3,
  /** The token's exp is in the past. */
  AUTH_EXPIRED = 4,
  /** The token's couple does not match the stream's couple. */
  WRONG_COUPLE = 5,
  /** A second Auth on an authenticated session. */
  ALREADY_AUTHENTICATED = 6,
  /** A frame longer than the receiver's maximum. */
  FRAME_TOO_LARGE = 7,
  /** A message body longer than the maximum body size. */
  BODY_TOO_LARGE = 8,
  /** No chat server is available for the couple right now; retry after retryAfterMillis. */
  UNAVAILABLE = 9,
  /** Too many frames or connections; slow down and retry after retryAfterMillis. */
  RATE_LIMITED = 10,
  /** A request was malformed (missing field, bad value); the session continues. */
  BAD_REQUEST = 11,
  /** The server failed; retry after retryAfterMillis. */
  INTERNAL = 12,
}

/** Why the server asks the client to go. */
enum GoAwayReason {
  /** The gateway or chat server is shutting down or draining; reconnect (via DNS) soon. */
  DRAINING = 1,
  /** The client's chat server moved and the gateway could not follow; reconnect now. */
  MOVED = 2,
  /** The server is overloaded; reconnect after retryAfterMillis. */
  OVERLOADED = 3,
  /** The client was idle past the server's limit. */
  IDLE = 4,
}

/** First client frame. */
struct Auth {
  /** A JWT (HS256) with claims sub (user id), cpl (couple id), exp; header kid. */
  1: string token,
  /** Stable per installation; several devices per user are normal. */
  2: string deviceId,
  /**
   * Highest seq such that this device has every message up to and including it (no gap below);
   * 0 for none. Messages after it are synced.
   */
  3: optional i64 lastSeenSeq,
  4: optional string clientVersion,
  /** Bit set of CAP_* the client supports. */
  5: optional i32 capabilities,
}

/** Server's answer to a valid Auth. */
struct AuthOk {
  1: string userId,
  2: string coupleId,
  3: optional string partnerId,
  4: optional bool partnerOnline,
  /** Latest sequence number committed for the couple (0 if none). */
  5: optional i64 latestSeq,
  /** CAP_* bits the server accepted; both sides may compress only if CAP_SNAPPY is here. */
  6: optional i32 capabilities,
  /** Server time, milliseconds since the Unix epoch. */
  7: optional i64 serverTime,
  /** The partner's read marker (highest seq the partner has read). */
  8: optional i64 partnerReadUpTo,
  /** Largest frame body the server accepts from this client. */
  9: optional i32 maxFrameSize,
}

/** A message from the client. Resending the same clientMessageId is safe (idempotent). */
struct SendMessage {
  /** Unique per sender for this message, e.g. a UUID; at most 64 characters. */
  1: string clientMessageId,
  2: i32 kind,
  3: binary body,
}

/** The message was committed. Sent only after the store made it durable. */
struct SendAck {
  1: string clientMessageId,
  2: i64 seq,
  /** Commit time, milliseconds since the Unix epoch. */
  3: i64 serverTimestamp,
}

/** A committed message, to the partner's devices and the sender's other devices, and in sync pages. */
struct Message {
  1: i64 seq,
  2: string senderId,
  3: optional string senderDeviceId,
  4: i64 timestamp,
  5: i32 kind,
  6: binary body,
  7: optional string clientMessageId,
}

/** Client -> server: this user is typing (true) or stopped (false). Server -> client: the partner's state. */
struct Typing {
  1: bool typing,
  /** Set by the server: whose typing state this is. */
  2: optional string userId,
}

/** Client -> server: this user has read up to seq. Server -> client: the partner's marker. */
struct ReadUpTo {
  1: i64 seq,
  2: optional string userId,
}

/** Server -> client: the partner came online (any device) or went offline (no device left). */
struct Presence {
  1: string userId,
  2: bool online,
}

/** Ask for committed messages with seq > afterSeq, oldest first. */
struct SyncRequest {
  1: i64 afterSeq,
  /** At most this many; the server caps it (default cap 200). */
  2: optional i32 limit,
}

struct SyncPage {
  1: i64 afterSeq,
  2: list<Message> messages,
  /** More messages exist after the last one in this page. */
  3: bool hasMore,
  4: i64 latestSeq,
}

struct Ping {
  1: i64 nonce,
}

struct Pong {
  1: i64 nonce,
}

/** The server will close this connection; the client should reconnect after retryAfterMillis. */
struct GoAway {
  1: GoAwayReason reason,
  2: optional string message,
  3: optional i32 retryAfterMillis,
}

/**
 * The gateway moved this session to another chat server without dropping the connection.
 * The new server has authenticated the client again; the client resends every message not
 * yet acknowledged (same clientMessageId) and syncs from its last seen seq.
 */
struct SessionReestablished {
  1: i64 latestSeq,
  /** As in AuthOk: the partner's presence and read marker on the new server. */
  2: optional bool partnerOnline,
  3: optional i64 partnerReadUpTo,
}

struct ServerError {
  1: ErrorCode code,
  2: optional string message,
  /** When the client may retry; absent means do not retry the same request. */
  3: optional i32 retryAfterMillis,
  /** Set when the error answers a SendMessage. */
  4: optional string clientMessageId,
  /** True when the server closes the connection after this frame. */
  5: optional bool fatal,
}

/** One frame. Exactly one field is set. */
union ClientFrame {
  1: Auth auth,
  2: AuthOk authOk,
  3: SendMessage send,
  4: SendAck ack,
  5: Message message,
  6: Typing typing,
  7: ReadUpTo readUpTo,
  8: Presence presence,
  9: SyncRequest syncRequest,
  10: SyncPage syncPage,
  11: Ping ping,
  12: Pong pong,
  13: GoAway goAway,
  14: SessionReestablished sessionReestablished,
  15: ServerError error,
}
