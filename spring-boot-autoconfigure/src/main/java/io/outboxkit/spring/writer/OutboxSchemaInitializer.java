package io.outboxkit.spring.writer;

import io.outboxkit.writer.OutboxSchema;
import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;

/**
 * Installs the outbox schema (table, publication, replication slot) when the application starts, before the
 * {@link io.outboxkit.writer.OutboxWriter} bean is created. Created when {@code outbox.writer.initialize-schema}
 * is {@code true}; declare a bean of this type to install with other settings.
 */
public final class OutboxSchemaInitializer implements InitializingBean {

  private final DataSource dataSource;
  private final OutboxSchema schema;

  /**
   * @param dataSource the database to install into
   * @param schema what to install
   */
  public OutboxSchemaInitializer(DataSource dataSource, OutboxSchema schema) {
    this.dataSource = dataSource;
    this.schema = schema;
  }

  /** Installs the schema; idempotent. */
  @Override
  public void afterPropertiesSet() {
    schema.install(dataSource);
  }

  /** What this initializer installs. */
  public OutboxSchema schema() {
    return schema;
  }
}
