-- wrk script: case-status lookups (POST /api/v1/cases/lookup) for one demo
-- receipt, from bench/cases.sh. CASE_NUMBER and PASSWORD come from the env.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"case_number":"%s","password":"%s"}',
  os.getenv("CASE_NUMBER"), os.getenv("PASSWORD"))

