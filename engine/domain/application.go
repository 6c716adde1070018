package domain

// ApplicationKind tells the two kinds of title application apart.
type ApplicationKind string

// The kinds of title application (DOMAIN.md §5).
const (
	KindEvaluation  ApplicationKind = "evaluation"  // 职称评审: up one grade, by a committee
	KindRecognition ApplicationKind = "recognition" // 职称认定: a first title, no committee
)

// Valid reports whether k is one of the kinds.
func (k ApplicationKind) Valid() bool { return k == KindEvaluation || k == KindRecognition }

// Recommender is an expert who recommends an exceptional-merit
// application: a name and the expert's own title.
type Recommender struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// Above reports whether grade g is exactly one grade above h.
func (g Grade) Above(h Grade) bool {
	i, j := g.rank(), h.rank()
	return i > 0 && j > 0 && i == j-1
}

// AtMost reports whether g is h or a lower grade.
func (g Grade) AtMost(h Grade) bool {
	i, j := g.rank(), h.rank()
	return i > 0 && j > 0 && i >= j
}

// rank is the position of g in Grades counted from 1, highest first; 0
// for an unknown grade.
func (g Grade) rank() int {
	for i, v := range Grades {
		if v == g {
			return i + 1
		}
	}
	return 0
}
