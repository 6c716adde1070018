package engine

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// sealer protects personal data at rest: ID numbers and phone numbers are
// encrypted with AES-256-GCM, and ID numbers also get a keyed hash
// (HMAC-SHA-256) so that they can be looked up without being stored in
// clear. Both keys derive from the one data key of the configuration.
type sealer struct {
	aead    cipher.AEAD
	hashKey []byte
}

func newSealer(dataKey []byte) (*sealer, error) {
	if len(dataKey) < 32 {
		return nil, errors.New("data key must be at least 32 bytes")
	}
	block, err := aes.NewCipher(derive(dataKey, "zhicheng encryption"))
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	return &sealer{aead: aead, hashKey: derive(dataKey, "zhicheng lookup")}, nil
}

func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// seal encrypts plain; the nonce is stored in front of the ciphertext.
func (s *sealer) seal(plain string) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("read random nonce: %v", err))
	}
	return s.aead.Seal(nonce, nonce, []byte(plain), nil)
}

// open decrypts what seal returned.
func (s *sealer) open(sealed []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("sealed value too short")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return "", fmt.Errorf("open sealed value: %w", err)
	}
	return string(plain), nil
}

// lookupHash returns the keyed hash of v, hex-encoded.
func (s *sealer) lookupHash(v string) string {
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}

// maskMobile shows the first three and last four digits of a mobile
// number: 138****1234.
func maskMobile(m string) string {
	if len(m) < 8 {
		return "****"
	}
	return m[:3] + "****" + m[len(m)-4:]
}
