DROP INDEX "webhook_deliveries_pending_installation_idx";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "status" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "waiting_for_link" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "body" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "body_sha256" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "next_attempt_at" timestamp (3) with time zone;--> statement-breakpoint
-- Rows stored before statuses existed: applied ones stay applied; unapplied ones are GitHub
-- deliveries that wait for their installation to be linked.
UPDATE "webhook_deliveries" SET
  "event" = CASE WHEN "action" IS NULL THEN "event" ELSE "event" || '.' || "action" END,
  "body" = "payload"::text,
  "body_sha256" = encode(sha256(convert_to("payload"::text, 'UTF8')), 'hex'),
  "status" = CASE WHEN "applied_at" IS NOT NULL THEN 'applied' ELSE 'queued' END,
  "waiting_for_link" = "applied_at" IS NULL AND "installation_id" IS NOT NULL,
  "attempts" = CASE WHEN "applied_at" IS NOT NULL THEN 1 ELSE 0 END;--> statement-breakpoint
-- One body stored under several delivery ids: the first is the delivery, the rest duplicates.
UPDATE "webhook_deliveries" SET "status" = 'duplicate', "body" = NULL, "waiting_for_link" = false
WHERE "id" NOT IN (
  SELECT DISTINCT ON ("source", "body_sha256") "id" FROM "webhook_deliveries"
  ORDER BY "source", "body_sha256", "received_at", "id"
);--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ALTER COLUMN "status" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ALTER COLUMN "body_sha256" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP COLUMN "action";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP COLUMN "payload";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP COLUMN "error";--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_source_body_sha256_uq" ON "webhook_deliveries" USING btree ("source","body_sha256") WHERE "webhook_deliveries"."status" <> 'duplicate';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_received_at_id_idx" ON "webhook_deliveries" USING btree ("received_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_waiting_installation_idx" ON "webhook_deliveries" USING btree ("installation_id","received_at") WHERE "webhook_deliveries"."waiting_for_link";
