-- Letterbox schema 5: DMARC aggregate reports (RFC 7489 §7.2). One dmarc_report per policy domain
-- and report period, holding the policy as last published; one dmarc_row per distinct message line
-- (source, identifiers, results) with a count. Times are epoch ms.

CREATE TABLE dmarc_report (
    id ${identity},
    policy_domain TEXT NOT NULL,
    period_begin BIGINT NOT NULL,
    period_end BIGINT NOT NULL,
    -- letters and digits, unique per report: the report id sent to the domain
    token TEXT NOT NULL,
    p TEXT NOT NULL,
    sp TEXT NOT NULL,
    pct INTEGER NOT NULL,
    adkim TEXT NOT NULL,
    aspf TEXT NOT NULL,
    fo TEXT NOT NULL,
    -- the rua URIs as written, separated by spaces (a URI has none)
    rua TEXT NOT NULL,
    -- distinct rows stored, and messages counted without a row (the row limit was reached)
    row_count INTEGER NOT NULL,
    unlisted BIGINT NOT NULL,
    -- 1 once the report is queued (or found to have no one to go to); it then takes no more messages
    sent INTEGER NOT NULL
);
CREATE UNIQUE INDEX dmarc_report_period ON dmarc_report (policy_domain, period_begin, period_end);
CREATE INDEX dmarc_report_due ON dmarc_report (sent, period_end);

CREATE TABLE dmarc_row (
    id ${identity},
    report_id BIGINT NOT NULL REFERENCES dmarc_report (id),
    -- SHA-256 (hex) of every column below but message_count: messages alike share a row
    row_key TEXT NOT NULL,
    source_ip TEXT NOT NULL,
    header_from TEXT NOT NULL,
    envelope_from TEXT NOT NULL,
    envelope_to TEXT NOT NULL,
    disposition TEXT NOT NULL,
    dkim_pass INTEGER NOT NULL,
    spf_pass INTEGER NOT NULL,
    -- override reasons (sampled_out, ...) separated by spaces
    reasons TEXT NOT NULL,
    -- one result a line: "domain qualifier result" (qualifier: DKIM selector, SPF scope; may be empty)
    dkim_results TEXT NOT NULL,
    spf_results TEXT NOT NULL,
    message_count BIGINT NOT NULL
);
CREATE UNIQUE INDEX dmarc_row_key ON dmarc_row (report_id, row_key);
