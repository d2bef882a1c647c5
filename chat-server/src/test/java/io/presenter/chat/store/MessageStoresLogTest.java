package io.presenter.chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What of a JDBC URL may be logged: never its parameters or user info, which may hold a password. */
class MessageStoresLogTest {

  @Test
  void dropsParametersAndUserInfo() {
    assertThat(MessageStores.withoutParameters("jdbc:postgresql://db.example:5432/presenter?user=p&password=secret"))
        .isEqualTo("jdbc:postgresql://db.example:5432/presenter");
    assertThat(MessageStores.withoutParameters("jdbc:postgresql://p:secret@db.example/presenter"))
        .isEqualTo("jdbc:postgresql://db.example/presenter");
    assertThat(MessageStores.withoutParameters("jdbc:h2:file:/data/messages;WRITE_DELAY=0;PASSWORD=x"))
        .isEqualTo("jdbc:h2:file:/data/messages");
    assertThat(MessageStores.withoutParameters("jdbc:postgresql://db/presenter")).isEqualTo("jdbc:postgresql://db/presenter");
  }
}
