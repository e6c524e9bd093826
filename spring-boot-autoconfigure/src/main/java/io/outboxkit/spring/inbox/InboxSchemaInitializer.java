package io.outboxkit.spring.inbox;

import io.outboxkit.inbox.InboxSchema;
import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;

/**
 * Installs the inbox table when the application starts, before the {@link io.outboxkit.inbox.Inbox} bean is
 * created. Created when {@code outbox.inbox.initialize-schema} is {@code true}; declare a bean of this type
 * to install with other settings.
 */
public final class InboxSchemaInitializer implements InitializingBean {

  private final DataSource dataSource;
  private final InboxSchema schema;

  /**
   * @param dataSource the database to install into
   * @param schema what to install
   */
  public InboxSchemaInitializer(DataSource dataSource, InboxSchema schema) {
    this.dataSource = dataSource;
    this.schema = schema;
  }

  /** Installs the table; idempotent. */
  @Override
  public void afterPropertiesSet() {
    schema.install(dataSource);
  }

  /** What this initializer installs. */
  public InboxSchema schema() {
    return schema;
  }
}
