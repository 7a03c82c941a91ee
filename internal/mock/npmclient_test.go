package mock_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// npmModulesEnv names a directory whose node_modules holds the npm package
// oracleepmcloud (npm install oracleepmcloud there). Tests never download.
const npmModulesEnv = "CONFORMANCE_NPM_MODULES"

// oracleepmcloudScript drives the package unchanged: upload a file (its q
// is JSON with raw braces, as axios sends it), then delete it twice (the
// second time the file is gone). It prints each answer's status and body.
const oracleepmcloudScript = `
const fs = require('fs');
const epm = require('oracleepmcloud');
epm.oracleBaseURL = process.env.BASE;
epm.oracleUserName = 'admin';
epm.oraclePW = 'Welcome1';
epm.oracleMigrationAPIVersion = '11.1.2.3.600';
console.log = () => {}; // the package logs; only the results go to stdout
(async () => {
  fs.writeFileSync('npm-users.csv', 'First Name,Last Name,Email,User Login\nJohn,Doe,jdoe@example.com,jdoe\n');
  const out = [];
  const up = await epm.uploadSnapshot(fs.createReadStream('npm-users.csv'), fs.statSync('npm-users.csv').size);
  out.push({status: up.status, data: up.data});
  for (const _ of [1, 2]) {
    const del = await epm.deleteFile('npm-users.csv');
    out.push({status: del.status, data: del.data});
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { process.stderr.write(String(e.stack || e)); process.exit(1); });
`

// The npm package oracleepmcloud, run unchanged against the mock.
func TestNpmOracleEPMCloudClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPED LOUDLY: node is not installed, so the npm client oracleepmcloud cannot be run against the mock")
	}
	dir := os.Getenv(npmModulesEnv)
	if dir == "" {
		t.Skipf("SKIPPED LOUDLY: %s is not set; to run the npm client oracleepmcloud unchanged against the mock: npm install oracleepmcloud in a directory and set %s to it", npmModulesEnv, npmModulesEnv)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oracleepmcloud")); err != nil {
		t.Skipf("SKIPPED LOUDLY: %s/node_modules has no oracleepmcloud (%v); npm install oracleepmcloud there", dir, err)
	}
	srv := newServer(t, "mock/seed.yaml")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "-e", oracleepmcloudScript)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "BASE="+srv.URL, "NODE_PATH="+filepath.Join(dir, "node_modules"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracleepmcloud: %v\n%s", err, stderr.String())
	}
	var answers []struct {
		Status int            `json:"status"`
		Data   map[string]any `json:"data"`
	}
	if err := json.Unmarshal(out, &answers); err != nil || len(answers) != 3 {
		t.Fatalf("oracleepmcloud printed %s (%v)", out, err)
	}
	for i, want := range []float64{0, 0, 1} {
		if a := answers[i]; a.Status != 200 || a.Data["status"] != want {
			t.Errorf("call %d (upload, delete, delete again): HTTP %d %v, want 200 with status %v", i+1, a.Status, a.Data, want)
		}
	}
}
