package shard

import (
	"strings"
	"testing"
)

func TestAuto(t *testing.T) {
	cases := []struct {
		spec string
		env  map[string]string
		want string
		err  string
	}{
		{"2/3", nil, "2/3", ""},
		// GitLab counts from 1: the first of three nodes is 1/3.
		{"auto", map[string]string{"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"}, "1/3", ""},
		{"auto", map[string]string{"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"}, "3/3", ""},
		{"auto", map[string]string{"CIRCLE_NODE_INDEX": "0", "CIRCLE_NODE_TOTAL": "4"}, "1/4", ""},
		{"auto", map[string]string{"BUILDKITE_PARALLEL_JOB": "4", "BUILDKITE_PARALLEL_JOB_COUNT": "5"}, "5/5", ""},
		{"auto", map[string]string{"JOB_COMPLETION_INDEX": "0", "CONFORMANCE_SHARD_TOTAL": "2"}, "1/2", ""},
		{"auto/6", map[string]string{"JOB_COMPLETION_INDEX": "5"}, "6/6", ""},
		{"auto", map[string]string{"JOB_COMPLETION_INDEX": "0"}, "", "CONFORMANCE_SHARD_TOTAL"},
		{"auto", map[string]string{"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"}, "", "not K/N"},
		{"auto", map[string]string{"CIRCLE_NODE_INDEX": "x", "CIRCLE_NODE_TOTAL": "2"}, "", "not a number"},
		{"auto", nil, "", "none of CI_NODE_INDEX"},
		{"auto/0", nil, "", "positive"},
	}
	for _, c := range cases {
		got, err := Auto(c.spec, func(k string) (string, bool) { v, ok := c.env[k]; return v, ok })
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Auto(%q, %v) = %q, %v; want an error naming %q", c.spec, c.env, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Auto(%q, %v) = %q, %v; want %q", c.spec, c.env, got, err, c.want)
		}
	}
}
