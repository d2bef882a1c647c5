package io.presenter.chat.store;

import java.util.concurrent.CompletableFuture;

/** An append waiting in the queue, and the future its caller holds. */
final class PendingAppend {

  final AppendRequest request;
  final CompletableFuture<AppendResult> future = new CompletableFuture<>();

  PendingAppend(AppendRequest request) {
    this.request = request;
  }
}
