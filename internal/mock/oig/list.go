package oig

import "sort"

// Keys lists the usr_keys the store holds, sorted, so the mock's control
// endpoint can compare two states user by user.
func (st *Store) Keys() []string {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]string, 0, len(st.users))
	for k := range st.users {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
