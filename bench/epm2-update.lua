-- wrk script: EPM Update Users v2 on the mock, a one-user batch (an existing
-- user, updated). `make bench` (bench/run.sh) sends it to the mock and to
-- bench/bare, the bare net/http ceiling.
-- Usage: wrk -t2 -c32 -d5s -s bench/epm2-update.lua http://127.0.0.1:18090
wrk.method = "PUT"
wrk.path = "/interop/rest/security/v2/users/update"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic YWRtaW46V2VsY29tZTE=" -- admin:Welcome1, the mock's default
wrk.body = '{"users":[{"userlogin":"jdoe","firstname":"Jane","lastname":"Doe","email":"jane.doe@example.com"}]}'

done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
