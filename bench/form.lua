-- wrk script: the no-JavaScript form (POST /cases/, server-rendered HTML).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = string.format("form=case-lookup&case_number=%s&password=%s",
  os.getenv("CASE_NUMBER"), os.getenv("PASSWORD"))
