-- Letterbox schema 3: small message bodies live in their blob row (see SqlBlobStore), so the
-- transaction that stores a message also makes its bytes durable with one shared fsync.
-- NULL content: the body is a file under blobs/.
ALTER TABLE blob ADD COLUMN content ${bytes};
