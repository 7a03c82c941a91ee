package claim

// TryClaim is Claim for the workers of one process (suites/workers.go),
// which share this board in memory: rather than wait on a busy user, a
// free worker asks for another scenario whose users are free, so a user
// many rows name holds back only those rows. It gives the scenario's first
// set whose users are all free and holds them, or ok false (the scenario is
// then not recorded as anyone's, and may be asked for again).
func (b *Board) TryClaim(r Request) (set int, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, taken := b.owner[r.Scenario]; taken {
		return 0, false
	}
	sets := append([][]string{r.Users}, r.Alternatives...)
	if set = b.freeSet(sets, r.Changes); set < 0 {
		return 0, false
	}
	b.owner[r.Scenario] = r.Proc
	b.hold(r, sets[set])
	return set, true
}
