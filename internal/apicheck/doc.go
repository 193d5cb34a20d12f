// Package apicheck holds one test: the exported API of authsvc's public
// packages names no type from an internal/ package, which their users
// could neither name nor construct. It has no code of its own.
package apicheck
