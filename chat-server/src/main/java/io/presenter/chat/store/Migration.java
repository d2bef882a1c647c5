package io.presenter.chat.store;

import java.util.List;

/**
 * One step of the schema's history: the statements that take the schema from
 * {@code version - 1} to {@code version}. Released migrations never change; new ones are added
 * with the next version.
 */
record Migration(int version, String description, List<String> statements) {

  Migration {
    if (version <= 0) {
      throw new IllegalArgumentException("versions start at 1");
    }
    statements = List.copyOf(statements);
  }
}
