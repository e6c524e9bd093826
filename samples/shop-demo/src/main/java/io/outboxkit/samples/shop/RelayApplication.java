package io.outboxkit.samples.shop;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A relay of its own beside a service, as the standalone relay server runs it: only OutboxKit's
 * auto-configuration with {@code outbox.relay.enabled=true}, no web server, no component scan. The demo runs one
 * per service and restarts one of them while orders are being placed.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class RelayApplication {
}
