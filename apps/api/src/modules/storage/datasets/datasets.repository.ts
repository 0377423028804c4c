import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DatasetEntity } from '../entities/dataset.entity';

/** The columns of a new dataset row. */
export type NewDataset = Omit<DatasetEntity, 'id' | 'createdAt' | 'updatedAt'>;

/** Every query on dataset rows; DatasetsService holds the decisions. */
@Injectable()
export class DatasetsRepository {
  constructor(@InjectRepository(DatasetEntity) private readonly rows: Repository<DatasetEntity>) {}

  /** All datasets, or those of one pool, by relative path. */
  list(poolId?: string): Promise<DatasetEntity[]> {
    return this.rows.find({ where: poolId ? { poolId } : {}, order: { relativePath: 'ASC' } });
  }

  findById(id: string): Promise<DatasetEntity | null> {
    return this.rows.findOneBy({ id });
  }

  existsAt(poolId: string, relativePath: string): Promise<boolean> {
    return this.rows.existsBy({ poolId, relativePath });
  }

  /** Datasets nested below this one (any depth). */
  async descendants(dataset: Pick<DatasetEntity, 'poolId' | 'relativePath'>): Promise<DatasetEntity[]> {
    const prefix = `${dataset.relativePath}/`;
    return (await this.rows.findBy({ poolId: dataset.poolId })).filter((d) => d.relativePath.startsWith(prefix));
  }

  /** How many datasets each pool has (pools without any are missing). */
  async countByPool(): Promise<Map<string, number>> {
    const rows = await this.rows.createQueryBuilder('d').select('d.pool_id', 'poolId').addSelect('COUNT(*)', 'count').groupBy('d.pool_id').getRawMany<{ poolId: string; count: string }>();
    return new Map(rows.map((r) => [r.poolId, Number(r.count)]));
  }

  /** The highest XFS project id in use, or null. */
  async maxProjectId(): Promise<number | null> {
    const max = await this.rows.createQueryBuilder('d').select('MAX(d.project_id)', 'max').getRawOne<{ max: number | null }>();
    return max?.max ?? null;
  }

  /** Inserts one row; a unique violation on (pool, path) reaches the caller. */
  add(row: NewDataset): Promise<DatasetEntity> {
    return this.rows.save(this.rows.create(row));
  }

  async save(row: DatasetEntity): Promise<void> {
    await this.rows.save(row);
  }

  async patch(id: string, changes: Partial<Pick<DatasetEntity, 'uid' | 'gid' | 'mode' | 'usedBytes' | 'usedBytesAt' | 'usedComplete' | 'quotaExceeded'>>): Promise<void> {
    await this.rows.update(id, changes);
  }

  async remove(id: string): Promise<void> {
    await this.rows.delete({ id });
  }
}
