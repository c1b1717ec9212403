-- Shared by all suites: the extensions, and errcheck(), which runs a
-- statement and reports "SQLSTATE: message / detail", so that expected
-- output pins each error's code as well as its text.
CREATE EXTENSION tagstore;
CREATE EXTENSION ltree;

CREATE FUNCTION errcheck(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text;
	msg text;
	detail text;
BEGIN
	EXECUTE stmt;
	RETURN 'ok';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL;
	RETURN state || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
END $$;

SELECT extname, extversion FROM pg_extension WHERE extname IN ('tagstore', 'ltree') ORDER BY 1;
