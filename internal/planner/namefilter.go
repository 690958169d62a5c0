package planner

// nameFilter is a Bloom filter of the names a NameBook's source holds:
// each key, and each list name as its namespace and folded name. It says
// for sure when something is not stored, and "maybe" when it may be, so a
// book reads its source only for a maybe: a key or name stored (a plan of
// orders planned before) or, rarely, one that only shares the filter's
// bits with stored ones. Its size is fixed, so a book costs the same in a
// shop of any size; past a few million names more of the maybes are
// wrong and more look-ups reach the source, slower but never wrong.
type nameFilter struct {
	bits []uint64
}

const (
	// filterBits is the filter's size, 1 MiB: at 300,000 entries (a shop of
	// 100,000 orders has about 150,000 names, each entered twice) one
	// look-up in 3,000 of something not stored is a maybe.
	filterBits = 1 << 23
	// filterProbes is how many bits an entry sets.
	filterProbes = 4
)

func newNameFilter() *nameFilter { return &nameFilter{bits: make([]uint64, filterBits/64)} }

// addName enters key and, when it is a list's, its name in the list.
func (f *nameFilter) addName(key, name string) {
	f.add(keyHash(key))
	if ns := namespaceOf(key); ns != "" {
		f.add(nameHash(ns, lower(name)))
	}
}

func (f *nameFilter) mayHoldKey(key string) bool { return f.mayHold(keyHash(key)) }

func (f *nameFilter) mayHoldName(ns, folded string) bool { return f.mayHold(nameHash(ns, folded)) }

func (f *nameFilter) add(h uint64) {
	for _, i := range probes(h) {
		f.bits[i/64] |= 1 << (i % 64)
	}
}

func (f *nameFilter) mayHold(h uint64) bool {
	for _, i := range probes(h) {
		if f.bits[i/64]&(1<<(i%64)) == 0 {
			return false
		}
	}
	return true
}

// probes are the bits of an entry hashed to h: double hashing (two halves
// of h), which spreads as well as independent hashes for a filter.
func probes(h uint64) [filterProbes]uint32 {
	h1, h2 := uint32(h), uint32(h>>32)|1
	var out [filterProbes]uint32
	for i := range out {
		out[i] = (h1 + uint32(i)*h2) % filterBits
	}
	return out
}

// keyHash and nameHash hash a key and a list name apart ('k' and 'n'
// first), so that a key never stands for a name.
func keyHash(key string) uint64 { return mix(fnv(fnv(fnvOffset, "k"), key)) }

func nameHash(ns, folded string) uint64 {
	return mix(fnv(fnv(fnv(fnv(fnvOffset, "n"), ns), "\x00"), folded))
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnv continues an FNV-1a hash h over s, without allocating.
func fnv(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// mix is SplitMix64's finaliser: FNV's high bits, which the second probe
// half uses, are weak on their own.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}
