package epm

import "sort"

// FileNames lists the uploaded files the store holds now, sorted: what the
// mock's control endpoint compares to say which files a client left behind.
func (s *Server) FileNames() []string {
	st := s.files
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]string, 0, len(st.files))
	for name := range st.files {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
