-- Equality column first, then the ORDER BY column: the index delivers the
-- order. GIN for element containment in the array.
CREATE INDEX idx_events_kind_created ON events (kind, created_at);
CREATE INDEX idx_events_tags ON events USING gin (tags);
