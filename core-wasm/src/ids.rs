//! Raw ids → dense indices through a lookup table indexed by raw id.
//!
//! The host sizes `table` as `max_id + 1` (i32, zeroed), then: [`mark`] every
//! id, [`assign`] ranks in increasing raw-id order (so index order is id order,
//! whatever the file order), [`list`] the raw id of each index, and [`remap`]
//! the id columns in place.

/// Sets `table[id] = 1` for each id. Returns false if an id is outside the table.
pub fn mark(ids: &[u32], table: &mut [i32]) -> bool {
    for &id in ids {
        match table.get_mut(id as usize) {
            Some(slot) => *slot = 1,
            None => return false,
        }
    }
    true
}

/// Replaces marks by ranks (0, 1, …) in raw-id order and the rest by -1;
/// returns the number of distinct ids.
pub fn assign(table: &mut [i32]) -> u32 {
    let mut rank = 0i32;
    for slot in table.iter_mut() {
        if *slot != 0 {
            *slot = rank;
            rank += 1;
        } else {
            *slot = -1;
        }
    }
    rank as u32
}

/// Writes the raw id of each dense index into `out` (length: the distinct count).
pub fn list(table: &[i32], out: &mut [u32]) {
    for (id, &rank) in table.iter().enumerate() {
        if rank >= 0 {
            if let Some(slot) = out.get_mut(rank as usize) {
                *slot = id as u32;
            }
        }
    }
}

/// Replaces each raw id by its dense index. Returns false on an id that was
/// never marked (the column is then partly remapped; the host discards it).
pub fn remap(ids: &mut [u32], table: &[i32]) -> bool {
    for id in ids.iter_mut() {
        match table.get(*id as usize) {
            Some(&rank) if rank >= 0 => *id = rank as u32,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_ids_in_raw_id_order() {
        let mut users = vec![7u32, 3, 7, 10, 3];
        let mut table = vec![0i32; 11];
        assert!(mark(&users, &mut table));
        assert_eq!(assign(&mut table), 3);
        let mut raw = vec![0u32; 3];
        list(&table, &mut raw);
        assert_eq!(raw, vec![3, 7, 10]);
        assert!(remap(&mut users, &table));
        assert_eq!(users, vec![1, 0, 1, 2, 0]);
    }

    #[test]
    fn refuses_ids_outside_the_table() {
        let mut table = vec![0i32; 4];
        assert!(!mark(&[4], &mut table));
        assign(&mut table);
        assert!(!remap(&mut [2], &table));
    }
}
