DROP INDEX "conversations_user_idx";--> statement-breakpoint
CREATE INDEX "conversations_user_idx" ON "conversations" USING btree ("user_profile_id");