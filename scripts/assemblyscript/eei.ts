// The EEI as AssemblyScript scripts import it: module "env", names prefixed
// with "eth2_" (scout.ts's style; docs/eei.md). abort and trace are
// AssemblyScript's own env imports, declared by the compiler.

@external("env", "eth2_loadPreStateRoot")
export declare function loadPreStateRoot(ptr: usize): void;

@external("env", "eth2_blockDataSize")
export declare function blockDataSize(): u32;

@external("env", "eth2_blockDataCopy")
export declare function blockDataCopy(ptr: usize, offset: u32, length: u32): void;

@external("env", "eth2_savePostStateRoot")
export declare function savePostStateRoot(ptr: usize): void;
