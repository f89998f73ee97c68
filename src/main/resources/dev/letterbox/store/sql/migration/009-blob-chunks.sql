-- Letterbox schema 9: big message bodies in the database ([store] blobs = "database"), in chunks
-- so neither end ever holds a whole message: a chunk's bytes start at offset 'start' of its blob.
-- Chunks are written, each committed on its own, before the blob's id is handed out; they have no
-- foreign key to blob, whose row comes later, with the first reference. Chunks of a blob without
-- a row are a delivery in progress, or debris once an hour old (see DatabaseBlobStore).
CREATE TABLE blob_chunk (
    blob_id TEXT NOT NULL,
    start BIGINT NOT NULL,
    content ${bytes} NOT NULL,
    created BIGINT NOT NULL,
    PRIMARY KEY (blob_id, start)
);
