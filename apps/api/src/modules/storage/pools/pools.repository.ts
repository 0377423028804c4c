import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PoolEntity } from '../entities/pool.entity';

/** The columns of a new pool row. */
export type NewPool = Omit<PoolEntity, 'id' | 'createdAt' | 'updatedAt'>;

/** What a health check stores about a pool. */
export type PoolCheck = Pick<PoolEntity, 'health' | 'space' | 'usageLevel' | 'refreshedAt' | 'source' | 'capabilities'>;

/** Every query on pool rows; PoolsService holds the decisions. */
@Injectable()
export class PoolsRepository {
  constructor(@InjectRepository(PoolEntity) private readonly rows: Repository<PoolEntity>) {}

  /** All pools, by name. */
  list(): Promise<PoolEntity[]> {
    return this.rows.find({ order: { name: 'ASC' } });
  }

  findById(id: string): Promise<PoolEntity | null> {
    return this.rows.findOneBy({ id });
  }

  nameTaken(name: string): Promise<boolean> {
    return this.rows.existsBy({ name });
  }

  /** Inserts one row; a unique violation on name or path reaches the caller. */
  add(row: NewPool): Promise<PoolEntity> {
    return this.rows.save(this.rows.create(row));
  }

  /** Saves a changed row; a unique violation on the name reaches the caller. */
  async save(row: PoolEntity): Promise<void> {
    await this.rows.save(row);
  }

  async recordCheck(id: string, check: PoolCheck): Promise<void> {
    await this.rows.update(id, check);
  }

  async remove(id: string): Promise<void> {
    await this.rows.delete({ id });
  }
}
