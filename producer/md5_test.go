package producer_test

import (
	"crypto/md5"
	"math/big"
)

func md5Big(key string) *big.Int {
	sum := md5.Sum([]byte(key))
	return new(big.Int).SetBytes(sum[:])
}
