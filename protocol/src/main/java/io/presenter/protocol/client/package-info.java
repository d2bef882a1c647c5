/**
 * Client protocol framing (phone to chat server, relayed unchanged by the gateway).
 *
 * <p>Wire format ({@code src/main/thrift/client.thrift} is the contract):
 *
 * <pre>
 * frame  = length:4 body:N          big-endian length word
 * length = bit 31: body is one Snappy raw block (only once compression is enabled)
 *          bits 0..30: N, 1..max (default 262144; the first, Auth frame at most 8188)
 * body   = one ClientFrame (a Thrift union, exactly one field set) in Thrift Compact,
 *          or, with bit 31, a Snappy raw block (varint uncompressed length, then elements)
 *          whose uncompressed length is also 1..max
 * </pre>
 *
 * <p>A ClientFrame whose field this version does not know is skipped (forward compatibility); a
 * known field id with the wrong type, an empty union, trailing bytes inside the frame, or anything
 * that is not valid Compact is BAD_FRAME. Compression is negotiated with {@code CAP_SNAPPY} in
 * Auth/AuthOk; the encoder compresses bodies of at least 256 bytes when that is smaller.
 *
 * <p>{@link io.presenter.protocol.client.ClientFrameDecoder} (one per channel) and {@link
 * io.presenter.protocol.client.ClientFrameEncoder#INSTANCE} (shared) are the pipeline pair; {@link
 * io.presenter.protocol.client.ClientFrames} builds frames and encodes or decodes one outside a
 * pipeline. {@link io.presenter.protocol.client.ClientFrameHeader} is the one definition of the
 * length word's bits, for code that only follows frame boundaries; {@link
 * io.presenter.protocol.client.AuthFrameCheck} is the one check of a connection's first frame.
 */
package io.presenter.protocol.client;
