/**
 * The Java client SDK: {@link io.presenter.client.PresenterClient} connects one device to its
 * couple's chat server through a gateway, speaking the client protocol of docs/PROTOCOL.md
 * (sections 3 and 7), and reports what happens to a {@link io.presenter.client.PresenterListener}.
 * Depends only on Netty, libthrift and the frame codec of {@code io.presenter.protocol.client}.
 */
package io.presenter.client;
