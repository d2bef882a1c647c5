package io.presenter.protocol.client;

import io.presenter.protocol.client.thrift.ErrorCode;

/**
 * User event fired by {@link ClientFrameDecoder} when the inbound byte stream is broken. The
 * decoder has stopped decoding; the session handler answers with {@link
 * ClientFrames#error(ClientFrameError)} and closes the channel.
 *
 * @param message short, safe to send back to the peer
 */
public record ClientFrameError(ErrorCode code, String message) {}
