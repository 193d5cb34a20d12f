//go:build !boringcrypto

package buildinfo

func cryptoName() string { return "go" }
