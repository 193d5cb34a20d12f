package verifier

import "strings"

// Rule 5: the token type. Clerk signs session tokens, JWT-template tokens
// and machine (M2M) JWTs with the same instance key; only the protected
// header's cat tells them apart. The category is classified once, when the
// header is decoded, and each verification path names the set of
// categories it accepts, so that a machine-token path can reuse the
// classifier with its own set.

// The cat values Clerk stamps (@clerk/backend's JWT_CATEGORY_* constants).
const (
	catSession  = "cl_B7d4PD111AAA"
	catTemplate = "cl_B7d4PD222AAA"
	catMachine  = "cl_B7d4PD333AAA"
	// catIgnore is stamped on every class of token by instances configured
	// to omit categories; it says nothing about the class.
	catIgnore = "cl_I7d4PD111III"
)

// machineSubjectPrefix starts the sub of a machine (M2M) token.
const machineSubjectPrefix = "mch_"

// tokenCategory is a protected header's cat, classified. The zero value is
// an absent cat.
type tokenCategory uint8

const (
	categoryAbsent   tokenCategory = iota // no cat member
	categorySession                       // cl_B7d4PD111AAA
	categoryIgnore                        // cl_I7d4PD111III: carries no class
	categoryTemplate                      // cl_B7d4PD222AAA
	categoryMachine                       // cl_B7d4PD333AAA
	categoryOther                         // any other value, null and non-strings included
)

// classifyCategory classifies a cat string value. Only exact matches count.
func classifyCategory(cat string) tokenCategory {
	switch cat {
	case catSession:
		return categorySession
	case catIgnore:
		return categoryIgnore
	case catTemplate:
		return categoryTemplate
	case catMachine:
		return categoryMachine
	}
	return categoryOther
}

func (c tokenCategory) String() string {
	switch c {
	case categoryAbsent:
		return "absent"
	case categorySession:
		return "session"
	case categoryIgnore:
		return "ignore"
	case categoryTemplate:
		return "jwt template"
	case categoryMachine:
		return "machine"
	}
	return "unknown"
}

// categorySet is a set of token categories, one bit per category.
type categorySet uint8

func categories(cs ...tokenCategory) categorySet {
	var s categorySet
	for _, c := range cs {
		s |= 1 << c
	}
	return s
}

func (s categorySet) has(c tokenCategory) bool { return s&(1<<c) != 0 }

// sessionCategories are the categories the session path accepts: exactly
// those for which @clerk/backend's isNonSessionJwtCategory is false (an
// absent cat, the session category, and the marker of instances that omit
// categories).
var sessionCategories = categories(categoryAbsent, categorySession, categoryIgnore)

// checkSessionType runs rule 5 for the session path: the header category
// must be a session one and sub must not be a machine's.
func checkSessionType(cat tokenCategory, sub string) error {
	if !sessionCategories.has(cat) {
		return &Error{Reason: ReasonTokenTypeMismatch, Detail: "cat is " + cat.String() + ", not a session token"}
	}
	if strings.HasPrefix(sub, machineSubjectPrefix) {
		return &Error{Reason: ReasonTokenTypeMismatch, Detail: "sub is a machine's, not a session token"}
	}
	return nil
}
