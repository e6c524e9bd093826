-- Replication for the Debezium baseline, created before the first event is written (with
-- snapshot.mode=no_data Debezium streams from the slot's position). ${publication} and ${slot} are
-- validated identifiers substituted by the harness.
CREATE PUBLICATION "${publication}" FOR TABLE public.outbox_event;
SELECT pg_catalog.pg_create_logical_replication_slot('${slot}', 'pgoutput');
